import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createConnectorActivities } from '../../activities/connector-activities';
import {
  getSyncState,
  SqlStateBackend,
  startSyncWorkflow,
  SyncAlreadyRunningError,
  SyncStatePlugin,
  type SyncProgress,
} from '../../src';
import { AirbyteConnector } from '../../src/connectors/airbyte-connector';
import type {
  ConnectorSyncInput,
  ConnectorSyncResult,
} from '../../workflows/connector-sync-workflow';
import { syncWorkflowId } from '../../workflows/definitions';
import { withTestDatabase } from '../helpers/database';
import { fake, faker, testConnectors } from './fixtures/connectors';
import {
  startWorkerProcess,
  untilCommitted,
  type WorkerProcess,
  writeWorkflowBundle,
} from './fixtures/worker-process';
import {
  startTestTemporal,
  type TestTemporal,
  untilSyncProgress,
  withTestWorker,
} from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('ERROR') });

/** source-faker's config: small, deterministic (seed), and incremental (`always_updated: false`). */
const fakerConfig = {
  count: 300,
  seed: 7,
  records_per_slice: 50,
  always_updated: false,
  parallelism: 1,
};

const db = withTestDatabase();
let env: TestWorkflowEnvironment;
let backend: SqlStateBackend;
let temporal: TestTemporal;
let bundleDir: string;
const taskQueue = `connector-sync-${randomUUID()}`;
/** The queue of the kill test, served first by a worker process that the test kills. */
const killQueue = `connector-kill-${randomUUID()}`;
let workerProcess: WorkerProcess | undefined;

before(async () => {
  if (!existsSync(faker.executable))
    throw new Error(`${faker.executable} is missing: run \`bash scripts/setup-python.sh\` first.`);
  await db.ready();
  [temporal, bundleDir] = await Promise.all([
    startTestTemporal('ERROR'),
    mkdtemp(path.join(tmpdir(), 'connector-worker-')),
  ]);
  env = temporal.env;
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 3 });
  // Started now, so that its start-up overlaps the first tests; it serves only the kill test's queue.
  workerProcess = startWorkerProcess({
    temporal,
    databaseUrl: db.url,
    taskQueue: killQueue,
    bundlePath: await writeWorkflowBundle(temporal, bundleDir),
  });
});
after(async () => {
  await workerProcess?.kill();
  await backend?.close();
  await env?.teardown();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

/** Runs `body` while an in-process worker (plugin + connector activities) serves the task queue. */
function withWorker<T>(body: () => Promise<T>, queue = taskQueue): Promise<T> {
  const plugin = new SyncStatePlugin({ url: db.url, poolSize: 3 });
  return withTestWorker(
    temporal,
    {
      taskQueue: queue,
      plugins: [plugin],
      activities: createConnectorActivities(() => plugin.backend, { connectors: testConnectors }),
    },
    body,
  );
}

function input(connectionId: string, extra: Partial<ConnectorSyncInput> = {}): ConnectorSyncInput {
  return {
    connectionId,
    connector: faker,
    config: fakerConfig,
    destination: { tablePrefix: `${connectionId}_` },
    heartbeatTimeout: '5 seconds',
    progressIntervalMs: 100,
    ...extra,
  };
}

async function runSync(sync: ConnectorSyncInput): Promise<ConnectorSyncResult> {
  return withWorker(async () => {
    const handle = await startSyncWorkflow(env.client, sync, {
      taskQueue,
      workflowType: 'connectorSyncWorkflow',
    });
    return (await handle.result()) as ConnectorSyncResult;
  });
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** Asserts that a table holds exactly ids 1..n, once each. */
async function assertIds(table: string, n: number): Promise<void> {
  const [row] = await sql<{ rows: string; ids: string; min: string; max: string }>(
    `select count(*) as rows, count(distinct id) as ids, min(id) as min, max(id) as max from "${table}"`,
  );
  assert.deepEqual(
    [Number(row?.rows), Number(row?.ids), Number(row?.min), Number(row?.max)],
    [n, n, 1, n],
    `${table}: ids 1..${n}, each once`,
  );
}

describe('connectorSyncWorkflow with source-faker', () => {
  test('a first sync loads users, products and purchases; a second incremental sync reads no new records', async () => {
    const first = await runSync(input('f1'));
    assert.equal(first.progress.status, 'completed');
    assert.equal(first.run.connector, 'source-faker');
    assert.deepEqual(
      first.run.streams.map((s) => [s.name, s.syncMode, s.writeMethod, s.recordsRead]).sort(),
      [
        ['products', 'incremental', 'merge', 100],
        ['purchases', 'incremental', 'merge', 300],
        ['users', 'incremental', 'merge', 300],
      ],
    );
    await assertIds('f1_users', 300);
    await assertIds('f1_products', 100);
    await assertIds('f1_purchases', 300);
    assert.equal(first.progress.recordsCommitted, 700);
    assert.equal(
      first.run.commits,
      13,
      'users and purchases: a STATE per 50 records; products: one',
    );
    const [user] = await sql<{ address: { city?: string }; created: string; age: string }>(
      'select address, pg_typeof(created_at)::text as created, pg_typeof(age)::text as age from f1_users where id = 1',
    );
    assert.equal(typeof user?.address.city, 'string', 'a nested object lands in a jsonb column');
    assert.deepEqual([user?.created, user?.age], ['timestamp with time zone', 'bigint']);

    const second = await runSync(input('f1'));
    assert.deepEqual([...second.run.startedFromState].sort(), ['products', 'purchases', 'users']);
    assert.equal(second.run.recordsRead, 0, 'nothing new at the source');
    assert.equal(second.progress.recordsCommitted, 700);
    assert.equal(second.progress.epoch > first.progress.epoch, true);
    const closed = await getSyncState(env.client, syncWorkflowId('f1'), { backend });
    assert.deepEqual(
      closed,
      second.progress,
      'the closed sync reads back from the database as the query answered',
    );
  });

  test('the state those syncs wrote reads back through the PyAirbyte-compatible provider and is a valid --state file for source-faker', async () => {
    const provider = await backend.getStateProvider('source-faker', { tablePrefix: 'f1_' });
    assert.deepEqual([...provider.knownStreamNames].sort(), ['products', 'purchases', 'users']);
    assert.equal(
      (provider.getStreamState('users').stream?.stream_state as { loop_offset?: number })
        ?.loop_offset,
      300,
    );
    // The catalog names the streams; source-faker needs nothing else from it to read.
    const connector = new AirbyteConnector(faker);
    const configured = {
      streams: ['products', 'users', 'purchases'].map((name) => ({
        stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
        cursor_field: ['updated_at'],
        primary_key: [['id']],
      })),
    };
    const states: unknown[] = [];
    let records = 0;
    for await (const message of connector.read({
      config: fakerConfig,
      catalog: configured,
      stateText: provider.toStateInputFileText(),
    })) {
      if (message.type === 'RECORD') records++;
      if (message.type === 'STATE') states.push(message.state.stream?.stream_state);
    }
    assert.equal(records, 0, 'source-faker took the state and read nothing again');
    assert.deepEqual(
      states,
      ['products', 'users', 'purchases'].map(
        (name) => provider.getStreamState(name).stream?.stream_state,
      ),
      'and handed the same state back',
    );
  });

  test('a worker killed mid-sync (SIGKILL) is replaced, and the destination ends with no duplicate and none missing', async () => {
    // always_updated: source-faker re-sends every record on each read, since it cannot resume
    // inside a stream; records_per_slice 10 makes 61 commits, time enough to kill the worker.
    const config = {
      count: 300,
      seed: 3,
      records_per_slice: 10,
      always_updated: true,
      parallelism: 1,
    };
    const worker = workerProcess!;
    await worker.ready;
    const handle = await startSyncWorkflow(
      env.client,
      input('k1', { config, heartbeatTimeout: '2 seconds' }),
      { taskQueue: killQueue, workflowType: 'connectorSyncWorkflow' },
    );
    const before = await untilCommitted(backend, 'k1', 'users', 3);
    await worker.kill();
    const stateAtKill = (await backend.getStateProvider('source-faker', { tablePrefix: 'k1_' }))
      .knownStreamNames;
    const result = await withWorker(
      async () => (await handle.result()) as ConnectorSyncResult,
      killQueue,
    );
    assert.ok(result.run.attempt >= 2, 'a later attempt, on the other worker, finished the sync');
    assert.deepEqual(
      [...result.run.startedFromState].sort(),
      [...stateAtKill].sort(),
      'it started the connector from the committed state',
    );
    const users = result.progress.streams.find((s) => s.name === 'users');
    assert.ok(
      users && users.checkpoint > before,
      'checkpoints went on from where the killed worker left them',
    );
    await assertIds('k1_users', 300);
    await assertIds('k1_products', 100);
    await assertIds('k1_purchases', 300);
    const leftovers = (await readdir(tmpdir())).filter((name) =>
      name.startsWith(`airbyte-run-${worker.child.pid}-`),
    );
    assert.deepEqual(leftovers, [], "the killed worker's run folder (its config) was swept");
  });

  test('the query shows live progress, and a second sync of the connection is refused while one runs', async () => {
    const slow = input('q1', {
      connector: fake,
      config: { streams: { orders: 12, items: 6 }, perState: 3, sleepMs: 400, global: true },
    });
    const final = await withWorker(async () => {
      const handle = await startSyncWorkflow(env.client, slow, {
        taskQueue,
        workflowType: 'connectorSyncWorkflow',
      });
      const live = await untilProgress('q1', (p) => p.batchesCommitted >= 1);
      assert.equal(live.status, 'running');
      await assert.rejects(
        startSyncWorkflow(env.client, slow, { taskQueue, workflowType: 'connectorSyncWorkflow' }),
        SyncAlreadyRunningError,
      );
      return (await handle.result()) as ConnectorSyncResult;
    });
    assert.ok(final.progress.batchesCommitted > 2);
    assert.equal(final.progress.recordsCommitted, 18);
    assert.deepEqual(
      await getSyncState(env.client, syncWorkflowId('q1'), { backend }),
      final.progress,
    );
  });
});

describe('connectorSyncWorkflow with bad input', () => {
  const cases: [string, Partial<ConnectorSyncInput>, string, RegExp][] = [
    [
      'an allowed executable that does not exist',
      { connector: 'source-nope' },
      'ConnectorNotFound',
      /source-nope.*no such executable/,
    ],
    [
      'a connector that prints non-JSON lines',
      { connector: fake, config: { garbage: true } },
      'ConnectorProtocolError',
      /wrote no Airbyte message.*"Starting up the fake source\.\.\."/,
    ],
    [
      'a connector that exits early',
      { connector: fake, config: { exitEarlyAfter: 3 }, maximumAttempts: 1 },
      'ConnectorFailed',
      /exited with code 3 before finishing[\s\S]*boom: the fake API closed the connection/,
    ],
    [
      'a catalog naming a stream the connector does not have',
      { streams: ['users', 'nope'] },
      'InvalidInput',
      /streams\[1\]: expected a stream of source-faker \(it has: products, users, purchases\), got "nope"/,
    ],
  ];
  for (const [what, extra, type, message] of cases) {
    test(`${what}: a clear error, and no state changed`, async () => {
      const connectionId = `bad${cases.findIndex((c) => c[0] === what)}`;
      const failure = await withWorker(async () => {
        const handle = await startSyncWorkflow(env.client, input(connectionId, extra), {
          taskQueue,
          workflowType: 'connectorSyncWorkflow',
        });
        return handle.result().then(
          () => assert.fail('the sync should fail'),
          (error: unknown) => error,
        );
      });
      assert.ok(failure instanceof WorkflowFailedError);
      const cause = failure.cause?.cause;
      assert.ok(
        cause instanceof ApplicationFailure,
        `an activity failure, got ${String(failure.cause)}`,
      );
      assert.equal(cause.type, type);
      assert.match(cause.message, message);
      const sourceName =
        typeof extra.connector === 'string'
          ? extra.connector
          : extra.connector === fake
            ? 'fake'
            : 'source-faker';
      const provider = await backend.getStateProvider(sourceName, {
        tablePrefix: `${connectionId}_`,
      });
      assert.deepEqual(provider.stateMessageArtifacts, [], 'no state');
      assert.deepEqual(
        await sql('select * from _sync_state_checkpoints where connection_id = ?', [connectionId]),
        [],
      );
    });
  }
});

describe('connectorSyncWorkflow on a worker with an allowlist', () => {
  test('a connector the worker does not allow is refused before anything runs or changes, the connection not even claimed', async () => {
    // A connector that would leave a mark if it ever ran.
    const script = path.join(bundleDir, 'source-evil');
    await writeFile(script, '#!/bin/sh\ntouch "$0.ran"\n', { mode: 0o755 });
    const refused: [unknown, RegExp][] = [
      [{ executable: script }, /Connector ".*source-evil" is not allowed on this worker/],
      ['source-evil', /Connector "source-evil" is not allowed/],
      [{ dockerImage: 'airbyte/source-faker:6.2.38' }, /"airbyte\/source-faker:6.2.38" is not/],
      [
        { ...faker, env: { LD_PRELOAD: script } },
        /not allowed on this worker \(a workflow cannot set `connector.env`/,
      ],
    ];
    for (const [i, [connector, message]] of refused.entries()) {
      const connectionId = `refused${i}`;
      const failure = await withWorker(async () => {
        const handle = await startSyncWorkflow(
          env.client,
          input(connectionId, { connector: connector as ConnectorSyncInput['connector'] }),
          { taskQueue, workflowType: 'connectorSyncWorkflow' },
        );
        return handle.result().then(
          () => assert.fail('the sync should be refused'),
          (error: unknown) => error,
        );
      });
      assert.ok(failure instanceof WorkflowFailedError);
      const cause = failure.cause?.cause;
      assert.ok(cause instanceof ApplicationFailure, `an activity failure: ${String(cause)}`);
      assert.equal(cause.type, 'ConnectorNotAllowed');
      assert.equal(cause.nonRetryable, true);
      assert.match(cause.message, message);
      assert.match(
        cause.message,
        /it allows "source-faker" \(.*source-faker\), "fake" \(.*fake-source\.mjs\), "source-nope" \(\/nonexistent\/source-nope\)\. Nothing was run\./,
      );
      for (const table of [
        '_sync_state_connections',
        '_sync_state_checkpoints',
        '_sync_state_history',
      ])
        assert.deepEqual(
          await sql(`select * from ${table} where connection_id = ?`, [connectionId]),
          [],
          `no row in ${table}`,
        );
      assert.deepEqual(
        await sql(`select tablename from pg_tables where tablename like ?`, [`${connectionId}%`]),
        [],
        'no table',
      );
    }
    assert.equal(existsSync(`${script}.ran`), false, 'the refused connector never ran');
    assert.deepEqual(
      await sql(
        `select * from _airbyte_state where source_name in ('source-evil', 'source-faker') and table_name like 'refused%'`,
      ),
      [],
      'no state',
    );
  });
});

const untilProgress = (connectionId: string, done: (p: SyncProgress) => boolean) =>
  untilSyncProgress(env.client, connectionId, done);
