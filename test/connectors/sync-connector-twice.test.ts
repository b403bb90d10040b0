import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createConnectorActivities } from '../../activities/connector-activities';
import { SqlStateBackend, StaleCheckpointError, startSync, SyncStatePlugin } from '../../src';
import { syncConnector } from '../../src/connectors/sync-connector';
import type { SyncConnectorInput, SyncConnectorResult } from '../../src/connectors/sync-types';
import { withTestDatabase } from '../helpers/database';
import { startTestTemporal, type TestTemporal, withTestWorker } from '../helpers/temporal';
import { fake, testConnectors } from './fixtures/connectors';
import type { SyncTwiceInput } from './fixtures/workflows';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const db = withTestDatabase();
let backend: SqlStateBackend;
let temporal: TestTemporal;

before(async () => {
  await db.ready();
  [temporal, backend] = await Promise.all([
    startTestTemporal('ERROR', require.resolve('./fixtures/workflows')),
    SqlStateBackend.connect({ url: db.url, poolSize: 3 }),
  ]);
});
after(async () => {
  await backend?.close();
  await temporal?.env.teardown();
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** A sync of the fake source's stream `alpha`, its records 1..count, a STATE every 2 records. */
const input = (connectionId: string, count: number): SyncConnectorInput => ({
  connectionId,
  connector: fake,
  config: { streams: { alpha: count }, perState: 2 },
  destination: { tablePrefix: `${connectionId}_` },
});

const claim = (connectionId: string, owner: string) =>
  startSync(backend, { connectionId, sourceName: 'fake', tablePrefix: `${connectionId}_`, owner });

async function ids(table: string): Promise<number[]> {
  const rows = await sql<{ id: string }>(`select id from ${table} order by id`);
  return rows.map((row) => Number(row.id));
}

const notOwner = (call: number, attempt: number) => (error: unknown) =>
  error instanceof StaleCheckpointError &&
  error.message.includes(`(call ${call}, attempt ${attempt}) does not own the connection`);

describe('syncConnector called more than once in a run', () => {
  test("a later call takes the connection over; the earlier call's late attempts and other runs are refused", async () => {
    await claim('c1', 'run-c1');
    const first = await syncConnector(backend, input('c1', 6), {
      runOwner: 'run-c1',
      invocation: 2,
      attempt: 1,
    });
    const second = await syncConnector(backend, input('c1', 9), {
      runOwner: 'run-c1',
      invocation: 3,
      attempt: 1,
    });
    assert.deepEqual(second.startedFromState, ['alpha']);
    assert.equal(second.recordsRead, 3, 'the second call read only records 7-9');
    assert.ok(second.epoch > first.epoch);
    assert.deepEqual(await ids('c1_alpha'), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A retry of the first call that starts only now (its worker was presumed dead) is too late.
    await assert.rejects(
      syncConnector(backend, input('c1', 9), { runOwner: 'run-c1', invocation: 2, attempt: 2 }),
      notOwner(2, 2),
    );
    // A later attempt of the current call takes over from it; the earlier attempt no longer can.
    await syncConnector(backend, input('c1', 9), { runOwner: 'run-c1', invocation: 3, attempt: 2 });
    await assert.rejects(
      syncConnector(backend, input('c1', 9), { runOwner: 'run-c1', invocation: 3, attempt: 1 }),
      notOwner(3, 1),
    );
    await assert.rejects(
      syncConnector(backend, input('c1', 9), { runOwner: 'run-x', invocation: 9, attempt: 1 }),
      notOwner(9, 1),
      'another run never claims it this way (it calls startSync)',
    );
    const [row] = await sql<{ owner: string }>(
      `select owner from _sync_state_connections where connection_id = 'c1'`,
    );
    assert.equal(row?.owner, 'run-c1#3.2');
  });

  test('an earlier call still running is fenced off at its next commit once a later call claims the connection', async () => {
    await claim('c2', 'run-c2');
    let second: Promise<SyncConnectorResult> | undefined;
    const first = syncConnector(backend, input('c2', 6), {
      runOwner: 'run-c2',
      invocation: 2,
      attempt: 1,
      onCommit: async () => {
        // After its first commit the first call stalls (its activity timed out, the workflow
        // went on) while the next call of the run syncs everything.
        second ??= syncConnector(backend, input('c2', 6), {
          runOwner: 'run-c2',
          invocation: 4,
          attempt: 1,
        });
        await second;
      },
    });
    await assert.rejects(first, StaleCheckpointError);
    assert.equal((await second)?.recordsRead, 4, 'it went on from the first commit (records 1-2)');
    assert.deepEqual(await ids('c2_alpha'), [1, 2, 3, 4, 5, 6]);
  });
});

describe('the syncConnector activity called more than once in a run', () => {
  /** Runs the activity as Temporal would: `activityId` and the first scheduled time are the call's. */
  const call = (
    activityId: string,
    scheduledTimestampMs: number,
    attempt: number,
    count: number,
  ): Promise<SyncConnectorResult> =>
    new MockActivityEnvironment(
      {
        workflowExecution: { workflowId: 'sync-a1', runId: 'run-a1' },
        activityId,
        scheduledTimestampMs,
        attempt,
      },
      { logger: new DefaultLogger('ERROR') },
    ).run(createConnectorActivities(backend, { connectors: testConnectors }).syncConnector, {
      ...input('a1', count),
      connector: 'fake',
    });

  test('calls with activity ids of their own are ordered by the time they were first scheduled', async () => {
    await claim('a1', 'run-a1');
    assert.equal((await call('first-sync', 1_000, 1, 4)).recordsRead, 4);
    assert.equal((await call('then-incremental', 2_000, 1, 6)).recordsRead, 2);
    await assert.rejects(call('first-sync', 1_000, 2, 6), /\(call 1000, attempt 2\) does not own/);
    const [row] = await sql<{ owner: string }>(
      `select owner from _sync_state_connections where connection_id = 'a1'`,
    );
    assert.equal(row?.owner, 'run-a1#2000.1');
  });

  test('an owner written before calls were numbered (`run#attempt`) is taken over by its run', async () => {
    await claim('a2', 'run-a2');
    await sql(`update _sync_state_connections set owner = 'run-a2#3' where connection_id = 'a2'`);
    const result = await syncConnector(backend, input('a2', 2), {
      runOwner: 'run-a2',
      invocation: 2,
      attempt: 1,
    });
    assert.equal(result.recordsRead, 2);
  });
});

describe('a workflow that calls syncConnector twice in one run', () => {
  test('both calls succeed, the second reads only what is new, and a late retry of the first is refused', async () => {
    const plugin = new SyncStatePlugin({ url: db.url, poolSize: 3 });
    const taskQueue = `sync-twice-${randomUUID()}`;
    const twice: SyncTwiceInput = {
      sourceName: 'fake',
      first: { ...input('w1', 6), connector: 'fake' },
      second: { ...input('w1', 9), connector: 'fake' },
    };
    const { results, runId, activityIds } = await withTestWorker(
      temporal,
      {
        taskQueue,
        plugins: [plugin],
        activities: createConnectorActivities(() => plugin.backend, {
          connectors: testConnectors,
        }),
      },
      async () => {
        const handle = await temporal.env.client.workflow.start('syncConnectorTwiceWorkflow', {
          args: [twice],
          taskQueue,
          workflowId: `sync-twice-${randomUUID()}`,
        });
        const results = (await handle.result()) as SyncConnectorResult[];
        const history = await handle.fetchHistory();
        const activityIds = (history.events ?? []).flatMap((event) => {
          const scheduled = event.activityTaskScheduledEventAttributes;
          return scheduled?.activityType?.name === 'syncConnector' ? [scheduled.activityId] : [];
        });
        return { results, runId: handle.firstExecutionRunId, activityIds };
      },
    );
    const [first, second] = results;
    assert.deepEqual(
      [first?.recordsRead, second?.recordsRead],
      [6, 3],
      'the second call read records 7-9 only',
    );
    assert.deepEqual(second?.startedFromState, ['alpha']);
    assert.deepEqual(await ids('w1_alpha'), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(activityIds.length, 2);
    const [firstCall, secondCall] = activityIds.map(Number) as [number, number];
    const [row] = await sql<{ owner: string }>(
      `select owner from _sync_state_connections where connection_id = 'w1'`,
    );
    assert.equal(row?.owner, `${runId}#${secondCall}.1`, 'owned by the second call');
    // A zombie of the first call (a retry its worker started late) cannot take the connection back.
    await assert.rejects(
      syncConnector(backend, input('w1', 9), {
        runOwner: runId,
        invocation: firstCall,
        attempt: 2,
      }),
      notOwner(firstCall, 2),
    );
  });
});
