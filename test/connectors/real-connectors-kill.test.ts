/**
 * Real connectors through `connectorSyncWorkflow` on the real Temporal dev server, with the worker
 * PROCESS that runs the connector SIGKILLed mid-sync after a chosen committed checkpoint: a new
 * worker process resumes from the stored state and every record lands once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SqlStateBackend, startSyncWorkflow } from '../../src';
import type { ConnectorSpec } from '../../src/connectors/connector-spec';
import type {
  ConnectorSyncInput,
  ConnectorSyncResult,
} from '../../workflows/connector-sync-workflow';
import { withTestDatabase } from '../helpers/database';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';
import { bin, lowCodeManifest } from './fixtures/connector-venvs';
import { startFixtureApi } from './fixtures/http-api-server';
import { type MotoS3, startMotoS3 } from './fixtures/moto-s3';
import { startWorkerProcess, untilCommitted, writeWorkflowBundle } from './fixtures/worker-process';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const db = withTestDatabase();
let temporal: TestTemporal;
let backend: SqlStateBackend;
let bundleDir: string;
let bundlePath: string;
let s3: MotoS3;

before(async () => {
  await db.ready();
  [temporal, bundleDir, s3] = await Promise.all([
    startTestTemporal('ERROR'),
    mkdtemp(path.join(tmpdir(), 'kill-worker-')),
    startMotoS3(),
  ]);
  bundlePath = await writeWorkflowBundle(temporal, bundleDir);
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 3 });
});
after(async () => {
  await backend?.close();
  await temporal?.env.teardown();
  await s3?.close();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/**
 * Starts `input` on a worker process allowing `connector`, SIGKILLs that process once `stream`
 * has committed `checkpoint`, and lets a new worker process finish the sync.
 */
async function killAndResume(
  connector: ConnectorSpec,
  input: ConnectorSyncInput,
  kill: { readonly stream: string; readonly checkpoint: number },
): Promise<{ result: ConnectorSyncResult; checkpointAtKill: number }> {
  const taskQueue = `kill-${randomUUID()}`;
  const options = { temporal, databaseUrl: db.url, taskQueue, bundlePath, connectors: [connector] };
  const first = startWorkerProcess(options);
  let second: ReturnType<typeof startWorkerProcess> | undefined;
  try {
    await first.ready;
    const handle = await startSyncWorkflow(
      temporal.env.client,
      { heartbeatTimeout: '2 seconds', ...input },
      { taskQueue, workflowType: 'connectorSyncWorkflow' },
    );
    const checkpointAtKill = await untilCommitted(
      backend,
      input.connectionId,
      kill.stream,
      kill.checkpoint,
    );
    await first.kill();
    second = startWorkerProcess(options);
    await second.ready;
    return { result: (await handle.result()) as ConnectorSyncResult, checkpointAtKill };
  } finally {
    await first.kill();
    await second?.kill();
  }
}

/** Rows and distinct keys of a table. */
async function rowsAndKeys(table: string): Promise<[number, number]> {
  const [row] = await sql<{ n: string; ids: string }>(
    `select count(*) as n, count(distinct id) as ids from "${table}"`,
  );
  return [Number(row?.n), Number(row?.ids)];
}

describe('real connectors: the worker process SIGKILLed mid-sync', () => {
  test('airbyte-source-declarative-manifest 6.5.2: killed after the second page of the resumable full refresh, a new worker resumes at its page token; each tag and customer once', async () => {
    // 8 pages of tags; each answer waits, so pages are still to come when the worker dies.
    const api = await startFixtureApi({ tags: 40, delayMs: 150 });
    try {
      const executable = bin('source-declarative-manifest', 'source-declarative-manifest');
      const { result, checkpointAtKill } = await killAndResume(
        { name: 'source-declarative-manifest', executable },
        {
          connectionId: 'klc',
          connector: 'source-declarative-manifest',
          config: {
            base_url: api.url,
            end_date: '2024-01-05T00:00:00Z',
            __injected_declarative_manifest: lowCodeManifest(),
          },
          // append: a tag read twice would show as a second row.
          streams: [{ name: 'tags', writeStrategy: 'append' }, { name: 'customers' }],
          destination: { tablePrefix: 'klc_' },
        },
        { stream: 'tags', checkpoint: 2 },
      );
      assert.ok(result.run.attempt >= 2, 'an attempt on the new worker finished the sync');
      const tags = result.run.streams.find((s) => s.name === 'tags');
      assert.equal(tags?.resumed, true, 'the tags read resumed from its stored page token');
      assert.ok(
        (tags?.recordsRead ?? 0) < 40,
        `the new attempt read only the pages left (${tags?.recordsRead} of 40 tags)`,
      );
      assert.ok(
        (result.progress.streams.find((s) => s.name === 'tags')?.checkpoint ?? 0) >
          checkpointAtKill,
        'checkpoints went on from where the killed worker left them',
      );
      assert.deepEqual(await rowsAndKeys('klc_tags'), [40, 40], 'each tag once');
      assert.deepEqual(await rowsAndKeys('klc_customers'), [12, 12], 'each customer once');
    } finally {
      await api.close();
    }
  });

  test('airbyte-source-s3 4.14.2 on moto: killed after its first file, a new worker reads only the files left; each row once', async () => {
    const ids = (part: number) => Array.from({ length: 5000 }, (_, i) => part * 5000 + i + 1);
    // One STATE per file, and ~2 s of the connector's CSV parsing each: the kill lands mid-sync.
    await s3.upload({ 'part-0': ids(0), 'part-1': ids(1), 'part-2': ids(2), 'part-3': ids(3) });
    const executable = bin('source-s3', 'source-s3');
    const { result } = await killAndResume(
      { name: 'source-s3', executable },
      {
        connectionId: 'ks3',
        connector: 'source-s3',
        config: s3.config(),
        streams: [{ name: 'customers', syncMode: 'incremental', writeStrategy: 'append' }],
        destination: { tablePrefix: 'ks3_' },
      },
      { stream: 'customers', checkpoint: 1 },
    );
    assert.ok(result.run.attempt >= 2, 'an attempt on the new worker finished the sync');
    assert.deepEqual(result.run.startedFromState, ['customers']);
    assert.ok(
      result.run.recordsRead < 20_000 && result.run.recordsRead % 5000 === 0,
      `the new attempt read only whole files left (${result.run.recordsRead} rows)`,
    );
    assert.deepEqual(await rowsAndKeys('ks3_customers'), [20_000, 20_000], 'each row once');
    const [range] = await sql<{ min: string; max: string }>(
      'select min(id::int) as min, max(id::int) as max from ks3_customers',
    );
    assert.deepEqual([Number(range?.min), Number(range?.max)], [1, 20_000]);
  });
});
