/**
 * The `refreshStreams` update of `connectorSyncWorkflow`, on the real Temporal dev server with
 * source-faker: recorded while the connector runs, read again from scratch before the sync
 * completes, and bad requests refused with a named error that changes nothing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  ApplicationFailure,
  type WorkflowHandle,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createConnectorActivities } from '../../activities/connector-activities';
import { SqlStateBackend, startSyncWorkflow, SyncStatePlugin } from '../../src';
import type { RefreshStreamsResult } from '../../src/connectors/refresh-streams';
import type {
  ConnectorSyncInput,
  ConnectorSyncResult,
} from '../../workflows/connector-sync-workflow';
import {
  REFRESH_STREAMS_UPDATE_NAME,
  type RefreshStreamsRequest,
} from '../../workflows/refresh-streams-update';
import { withTestDatabase } from '../helpers/database';
import { startTestTemporal, type TestTemporal, withTestWorker } from '../helpers/temporal';
import { fake, faker, testConnectors } from './fixtures/connectors';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const db = withTestDatabase();
let temporal: TestTemporal;
let backend: SqlStateBackend;
const taskQueue = `refresh-update-${randomUUID()}`;

before(async () => {
  if (!existsSync(faker.executable))
    throw new Error(`${faker.executable} is missing: run \`bash scripts/setup-python.sh\` first.`);
  await db.ready();
  temporal = await startTestTemporal('ERROR');
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 3 });
});
after(async () => {
  await backend?.close();
  await temporal?.env.teardown();
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** Starts `sync`, runs `during(handle)` while it runs, and returns its result; one worker serves it. */
function sync(
  sync: ConnectorSyncInput,
  during: (handle: WorkflowHandle) => Promise<void>,
): Promise<ConnectorSyncResult> {
  const plugin = new SyncStatePlugin({ url: db.url, poolSize: 3 });
  return withTestWorker(
    temporal,
    {
      taskQueue,
      plugins: [plugin],
      activities: createConnectorActivities(() => plugin.backend, { connectors: testConnectors }),
    },
    async () => {
      const handle = await startSyncWorkflow(temporal.env.client, sync, {
        taskQueue,
        workflowType: 'connectorSyncWorkflow',
      });
      await during(handle);
      return (await handle.result()) as ConnectorSyncResult;
    },
  );
}

const refresh = (handle: WorkflowHandle, request: unknown) =>
  handle.executeUpdate<RefreshStreamsResult, [RefreshStreamsRequest]>(REFRESH_STREAMS_UPDATE_NAME, {
    args: [request as RefreshStreamsRequest],
  });

/** The failure a refused update carries: its type and message. */
async function refused(update: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await update.then(
    () => assert.fail('the update should be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkflowUpdateFailedError, `an update failure, got ${String(error)}`);
  assert.ok(error.cause instanceof ApplicationFailure, `its cause: ${String(error.cause)}`);
  return error.cause;
}

/** Waits until the connection committed at least one checkpoint: the connector is reading. */
async function untilReading(connectionId: string): Promise<void> {
  const deadline = Date.now() + 120_000; // source-faker takes 10+ s to start on a loaded machine
  while (Date.now() < deadline) {
    const [row] = await sql<{ n: string }>(
      'select count(*) as n from _sync_state_checkpoints where connection_id = ? and checkpoint > 0',
      [connectionId],
    );
    if (Number(row?.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${connectionId} committed nothing in 120 s`);
}

const generations = (connectionId: string) =>
  sql<{ stream_name: string; generation_id: string; refresh: string | null }>(
    'select stream_name, generation_id, refresh from _sync_state_generations where connection_id = ? order by stream_name',
    [connectionId],
  );

describe('the refreshStreams update of connectorSyncWorkflow', () => {
  test('a refresh sent while source-faker reads is recorded at once, and the sync reads the stream again from scratch before it completes: one generation, each record once', async () => {
    // records_per_slice 10: hundreds of commits, so the sync is still reading when the update comes.
    const config = { count: 2000, seed: 5, records_per_slice: 10, always_updated: false };
    let accepted: RefreshStreamsResult | undefined;
    const result = await sync(
      {
        connectionId: 'u1',
        connector: faker,
        config: { ...config, parallelism: 1 },
        destination: { tablePrefix: 'u1_' },
      },
      async (handle) => {
        await untilReading('u1');
        const unknown = await refused(refresh(handle, { streams: ['nope'], mode: 'remove' }));
        assert.equal(
          unknown.type,
          'InvalidInput',
          'refused by the activity, as the CLI refuses it',
        );
        assert.match(
          unknown.message,
          /^Invalid streams\[0\]: expected a stream that connection "u1" syncs \(products, purchases, users\), got "nope"\.$/,
        );
        accepted = await refresh(handle, { streams: ['users'], mode: 'remove' });
        const [running] = (await generations('u1')).filter((g) => g.stream_name === 'users');
        assert.equal(running?.refresh, 'remove', 'recorded while the sync still runs');
      },
    );
    assert.deepEqual(accepted?.streams, [
      { name: 'users', namespace: null, generationId: 1, minimumGenerationId: 1, mode: 'remove' },
    ]);
    assert.equal(result.progress.status, 'completed');
    assert.deepEqual(
      result.run.streams.map((s) => [s.name, s.generationId, s.resumed]),
      [['users', 1, false]],
      "the sync's last run read users alone, in the new generation, from scratch",
    );
    assert.deepEqual(result.run.refreshesCompleted, ['users']);
    const users = await sql<{ n: string; ids: string; g: string }>(
      "select count(*) as n, count(distinct id) as ids, min(_airbyte_generation_id) || '-' || max(_airbyte_generation_id) as g from u1_users",
    );
    assert.deepEqual(users[0], { n: '2000', ids: '2000', g: '1-1' }, 'each user once, all new');
    for (const table of ['u1_products', 'u1_purchases']) {
      const [row] = await sql<{ n: string; ids: string; g: string }>(
        `select count(*) as n, count(distinct id) as ids, max(_airbyte_generation_id)::text as g from ${table}`,
      );
      assert.equal(row?.n, row?.ids, `${table}: each record once (not read a second time)`);
      assert.equal(row?.g, '0', `${table}: not refreshed`);
    }
    assert.deepEqual(
      (await generations('u1')).map((g) => [g.stream_name, Number(g.generation_id), g.refresh]),
      [
        ['products', 0, null],
        ['purchases', 0, null],
        ['users', 1, null],
      ],
      'the refresh completed',
    );
  });

  test('a bad mode, no streams, or a stream the sync does not read: refused by the validator with a named InvalidInput error, and nothing changes', async () => {
    let before: Awaited<ReturnType<typeof generations>> = [];
    const result = await sync(
      {
        connectionId: 'u2',
        connector: fake,
        config: { streams: { orders: 30, items: 6 }, perState: 3, sleepMs: 500 },
        streams: ['orders'],
        destination: { tablePrefix: 'u2_' },
      },
      async (handle) => {
        await untilReading('u2');
        before = await generations('u2');
        const cases: [unknown, RegExp][] = [
          [
            { streams: ['orders'], mode: 'wipe' },
            /^Invalid mode: expected "remove" or "retain", got "wipe"\.$/,
          ],
          [{ streams: [], mode: 'remove' }, /^Invalid streams: expected a non-empty array/],
          [
            { streams: ['items'], mode: 'retain' },
            /^Invalid streams\[0\]: expected a stream this sync reads \(orders\), got "items"\.$/,
          ],
        ];
        for (const [request, message] of cases) {
          const failure = await refused(refresh(handle, request));
          assert.equal(failure.type, 'InvalidInput');
          assert.match(failure.message, message);
        }
        const history = await handle.fetchHistory();
        assert.equal(
          history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
          0,
          'refused by the validator: not even in the history',
        );
        assert.deepEqual(await generations('u2'), before, 'nothing recorded');
      },
    );
    assert.equal(result.progress.status, 'completed');
    assert.deepEqual(await generations('u2'), before, 'and no refresh ran');
    assert.equal(result.run.streams.length, 1, 'one run, no refresh pass');
  });
});
