import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  getSyncState,
  registerSyncSearchAttributes,
  SqlStateBackend,
  startSyncWorkflow,
  SyncAlreadyRunningError,
  type SyncProgress,
} from '../../src';
import { sampleRecord, type SampleStreamName } from '../../examples/sample-source';
import type { BatchSyncInput } from '../../workflows/batch-sync-workflow';
import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
import { syncWorkflowId } from '../../workflows/definitions';
import { withTestDatabase } from '../helpers/database';
import {
  startTestTemporal,
  type TestTemporal,
  untilSyncProgress,
  withTestWorker,
} from '../helpers/temporal';

// Activity failures these tests inject are expected: the SDK's warnings about them are not output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const db = withTestDatabase();
let env: TestWorkflowEnvironment;
let backend: SqlStateBackend;
let temporal: TestTemporal;
const taskQueue = `batch-sync-${randomUUID()}`;

before(async () => {
  await db.ready();
  temporal = await startTestTemporal();
  env = temporal.env;
  await registerSyncSearchAttributes(env.connection, env.namespace ?? 'default');
  backend = await SqlStateBackend.connect({ url: db.url });
});
after(async () => {
  await backend?.close();
  await env?.teardown();
});

/** Runs `body` while a worker with the plugin (its own pool on the test database) serves the task queue. */
const withWorker = <T>(body: () => Promise<T>): Promise<T> =>
  withTestWorker(temporal, { taskQueue, databaseUrl: db.url, poolSize: 4 }, body);

/** Runs a sync to its end on a worker and returns its result. */
function runSync(sync: BatchSyncInput): Promise<SyncProgress> {
  return withWorker(
    async () =>
      (await startSyncWorkflow(env.client, sync, { taskQueue })).result() as Promise<SyncProgress>,
  );
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

function input(
  connectionId: string,
  extra: Partial<BatchSyncInput> = {},
  config: { count?: number; seed?: number; failBatch?: number } = {},
): BatchSyncInput {
  return {
    connectionId,
    source: {
      name: 'sample-source',
      streams: [...SAMPLE_STREAM_NAMES],
      config: { count: 120, seed: 7, ...config },
    },
    destination: { tablePrefix: `${connectionId}_` },
    batchSize: 25,
    ...extra,
  };
}

/** Asserts that the destination holds exactly records 1..count of each stream, as the source makes them. */
async function assertDestinationEqualsSource(
  connectionId: string,
  count: number,
  seed = 7,
): Promise<void> {
  for (const stream of ['users', 'products', 'purchases'] as SampleStreamName[]) {
    const rows = await sql<{ id: string; _airbyte_data: unknown }>(
      `select id, _airbyte_data from "${connectionId}_${stream}" order by id::int`,
    );
    assert.equal(rows.length, count, `${stream}: ${rows.length} rows, expected ${count}`);
    rows.forEach((row, i) => {
      assert.equal(Number(row.id), i + 1, `${stream}: ids 1..${count} with no gap or duplicate`);
      assert.deepEqual(
        row._airbyte_data,
        JSON.parse(JSON.stringify(sampleRecord(seed, stream, i + 1))),
        `${stream} record ${i + 1}`,
      );
    });
  }
}

const untilProgress = (connectionId: string, done: (p: SyncProgress) => boolean) =>
  untilSyncProgress(env.client, connectionId, done);

describe('batchSyncWorkflow', () => {
  test('checkpoints once per batch: the state moves to the cursor of each batch in turn', async () => {
    const cursors: string[] = [];
    let watching = true;
    const monitor = (async () => {
      while (watching) {
        const rows = await sql<{ state_json: string }>(
          `select state_json from _airbyte_state where source_name = 'sample-source' and table_name = 'a1_users'`,
        );
        const cursor = rows[0]
          ? (JSON.parse(rows[0].state_json) as { stream: { stream_state: { updated_at: string } } })
              .stream.stream_state.updated_at
          : undefined;
        if (cursor && cursor !== cursors.at(-1)) cursors.push(cursor);
      }
    })();
    const result = await runSync(input('a1'));
    watching = false;
    await monitor;
    assert.equal(result.status, 'completed');
    assert.deepEqual(
      result.streams.map((s) => [s.name, s.checkpoint, s.recordsCommitted]),
      [
        ['products', 5, 120],
        ['purchases', 5, 120],
        ['users', 5, 120],
      ],
    );
    assert.ok(cursors.length >= 2, `the monitor saw the users cursor move ${cursors.length} times`);
    assert.deepEqual([...cursors].sort(), cursors, 'the state never moved backwards');
    const perBatch = await sql<{ cp: string; n: string }>(
      `select _airbyte_checkpoint as cp, count(*) as n from a1_users group by 1 order by 1`,
    );
    assert.deepEqual(
      perBatch.map((r) => [Number(r.cp), Number(r.n)]),
      [
        [1, 25],
        [2, 25],
        [3, 25],
        [4, 25],
        [5, 20],
      ],
      'each batch committed its own records',
    );
    await assertDestinationEqualsSource('a1', 120);
  });

  test('a source failure after batch 2 is retried and the sync ends with exactly the source rows', async () => {
    const result = await runSync(input('a2', {}, { failBatch: 3 }));
    assert.equal(result.recordsCommitted, 360);
    await assertDestinationEqualsSource('a2', 120);
  });

  test('a sync terminated mid-way and started again resumes from the last committed batch', async () => {
    const slow = input('a3', { batchSize: 10 }, { count: 100 });
    const firstRun = await withWorker(async () => {
      const handle = await startSyncWorkflow(env.client, slow, { taskQueue });
      const progress = await untilProgress(
        'a3',
        (p) => (p.streams.find((s) => s.name === 'users')?.checkpoint ?? 0) >= 3,
      );
      await handle.terminate('test: stop mid-way');
      return progress;
    });
    const committed = await sql<{ checkpoint: string }>(
      `select checkpoint from _sync_state_checkpoints where connection_id = 'a3' and stream_name = 'users'`,
    );
    const lastBefore = Number(committed[0]?.checkpoint);
    const seen = firstRun.streams.find((s) => s.name === 'users')?.checkpoint ?? 0;
    assert.ok(
      lastBefore >= seen && lastBefore < 10,
      `terminated after ${lastBefore} of 10 batches`,
    );
    const result = await runSync(slow);
    assert.equal(result.epoch, 2, 'the second run claimed the connection');
    const firstBatches = await sql<{ n: string }>(
      `select count(*) as n from a3_users where _airbyte_checkpoint <= ?`,
      [lastBefore],
    );
    assert.equal(
      Number(firstBatches[0]?.n),
      lastBefore * 10,
      'batches of the first run were not written again',
    );
    assert.deepEqual(
      result.streams.map((s) => s.checkpoint),
      [10, 10, 10],
    );
    await assertDestinationEqualsSource('a3', 100);
  });

  test('the query answers live while the sync runs, and getSyncState gives the same shape after it closes', async () => {
    const final = await withWorker(async () => {
      const handle = await startSyncWorkflow(
        env.client,
        input('a4', { batchSize: 10, searchAttributes: true }),
        {
          taskQueue,
          workflowOptions: { memo: { team: 'data' }, workflowRunTimeout: '10 minutes' },
        },
      );
      const live = await untilProgress('a4', (p) => p.batchesCommitted >= 1);
      assert.equal(live.status, 'running');
      assert.equal(live.connectionId, 'a4');
      const viaHelper = await getSyncState(env.client, handle.workflowId, { backend });
      assert.equal(viaHelper.status, 'running', 'a running sync answers through its query');
      assert.ok(viaHelper.batchesCommitted >= live.batchesCommitted);
      await assert.rejects(
        startSyncWorkflow(env.client, input('a4'), { taskQueue }),
        SyncAlreadyRunningError,
        'one sync per connection',
      );
      return (await handle.result()) as SyncProgress;
    });
    const closed = await getSyncState(env.client, syncWorkflowId('a4'), { backend });
    assert.deepEqual(closed, final);
    const description = await env.client.workflow.getHandle(syncWorkflowId('a4')).describe();
    assert.equal(description.memo?.team, 'data', "the caller's memo is kept beside the sync's");
    assert.ok(description.memo?.syncState, 'the sync records its own memo too');
    assert.equal(
      Number(description.raw.executionConfig?.workflowRunTimeout?.seconds),
      600,
      "the caller's timeout",
    );
    assert.equal(closed.status, 'completed');
    const listed = await searchUntilFound(`SyncConnectionId = 'a4' AND SyncRecordsCommitted = 360`);
    assert.equal(listed, syncWorkflowId('a4'), 'the sync is found by its search attributes');
  });

  test('the batches can run as local activities, with the same exactly-once result', async () => {
    const result = await runSync(input('a7', { localActivities: true }));
    assert.equal(result.recordsCommitted, 360);
    const events =
      (await env.client.workflow.getHandle(syncWorkflowId('a7')).fetchHistory()).events ?? [];
    const scheduled = events
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter(Boolean);
    assert.ok(!scheduled.includes('syncBatch'), 'syncBatch ran as no regular activity');
    assert.ok(
      events.filter((e) => e.markerRecordedEventAttributes).length >= 15,
      'but as local activities (one marker each)',
    );
    await assertDestinationEqualsSource('a7', 120);
  });

  test('a long sync continues as new and carries on from the database', async () => {
    // 15 batches, 3 streams at a time: a run stops after 4 and lets the other 2 in flight finish.
    const result = await runSync(input('a5', { maxBatchesPerRun: 4 }));
    assert.equal(result.status, 'completed');
    assert.ok(result.epoch >= 3, `several runs (epoch ${result.epoch})`);
    await assertDestinationEqualsSource('a5', 120);
  });

  test('a second sync reads only the new records', async () => {
    await runSync(input('a6'));
    const second = await runSync(input('a6', {}, { count: 130 }));
    const newest = await sql<{ n: string }>(
      `select count(*) as n from a6_users where _airbyte_checkpoint = 6`,
    );
    assert.equal(
      Number(newest[0]?.n),
      10,
      'the second sync committed one batch of the 10 new records',
    );
    assert.equal(second.recordsCommitted, 390);
    await assertDestinationEqualsSource('a6', 130);
  });
});

async function searchUntilFound(query: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    for await (const workflow of env.client.workflow.list({ query })) return workflow.workflowId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
