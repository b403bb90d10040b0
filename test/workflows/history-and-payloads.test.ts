/**
 * What a sync puts in workflow history, and what happens near Temporal's payload limits: the
 * read-and-commit path keeps records out of history and its batches small; streams run at once;
 * payloads that would pass the limit fail once, with a named error, and are never retried forever.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  jsonBytes,
  SqlStateBackend,
  startSyncWorkflow,
  SyncStatePlugin,
  type SyncProgress,
} from '../../src';
import { createSampleSourceReader } from '../../examples/sample-source/reader';
import { sampleRecord } from '../../examples/sample-source';
import type { SourceReader } from '../../src/activity-bodies/source-reader';
import type { BatchSyncInput } from '../../workflows/batch-sync-workflow';
import { syncWorkflowId } from '../../workflows/definitions';
import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
import { withTestDatabase } from '../helpers/database';
import { startTestTemporal, type TestTemporal, withTestWorker } from '../helpers/temporal';

// Activity failures these tests inject are expected: the SDK's warnings about them are not output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const db = withTestDatabase();
let env: TestWorkflowEnvironment;
let backend: SqlStateBackend;
let temporal: TestTemporal;
const taskQueue = `history-${randomUUID()}`;

/** A state of about 1,000,000 bytes: just under the default per-message limit of 1 MiB. */
const bigState = (n: number) => ({ n, padding: 'x'.repeat(1_000_000) });
/** One record and a state near the limit per stream, then done. */
const bigStateReader: SourceReader = (request) =>
  Promise.resolve({
    records: [{ id: request.checkpoint, stream: request.stream.name }],
    state: bigState(request.checkpoint),
    done: true,
  });

before(async () => {
  await db.ready();
  temporal = await startTestTemporal();
  env = temporal.env;
  backend = await SqlStateBackend.connect({ url: db.url });
});
after(async () => {
  await backend?.close();
  await env?.teardown();
});

const withWorker = <T>(body: () => Promise<T>): Promise<T> =>
  withTestWorker(
    temporal,
    {
      taskQueue,
      plugins: [
        new SyncStatePlugin({
          url: db.url,
          poolSize: 4,
          readers: { 'sample-source': createSampleSourceReader(), 'big-state': bigStateReader },
        }),
      ],
    },
    body,
  );

const input = (connectionId: string, extra: Partial<BatchSyncInput> = {}): BatchSyncInput => ({
  connectionId,
  source: {
    name: 'sample-source',
    streams: [...SAMPLE_STREAM_NAMES],
    config: { count: 300, seed: 3 },
  },
  destination: { tablePrefix: `${connectionId}_` },
  batchSize: 10,
  ...extra,
});

async function run(sync: BatchSyncInput, workflowType?: string): Promise<SyncProgress> {
  const handle = await startSyncWorkflow(env.client, sync, { taskQueue, workflowType });
  return (await handle.result()) as SyncProgress;
}

/** Bytes and events of every run of a workflow id, as the server counts them. */
async function historyOf(workflowId: string): Promise<{ bytes: number; events: number }> {
  let bytes = 0;
  let events = 0;
  for await (const execution of env.client.workflow.list({
    query: `WorkflowId = '${workflowId}'`,
  })) {
    const described = await env.client.workflow.getHandle(workflowId, execution.runId).describe();
    bytes += described.historySize ?? 0;
    events += described.historyLength;
  }
  return { bytes, events };
}

describe('workflow history of a sync', () => {
  test('syncBatch keeps records out of history: under 2 KB per checkpoint, a fraction of the records path', async () => {
    const { ours, theirs } = await withWorker(async () => ({
      ours: await run(input('h1')),
      theirs: await run(input('h2'), 'recordsThroughWorkflowSync'),
    }));
    assert.equal(ours.recordsCommitted, 900);
    assert.equal(theirs.recordsCommitted, 900);
    const oursHistory = await historyOf(syncWorkflowId('h1'));
    const theirsHistory = await historyOf(syncWorkflowId('h2'));
    const perCheckpoint = oursHistory.bytes / ours.batchesCommitted;
    const recordBytes = jsonBytes(
      Array.from({ length: 10 }, (_, i) => sampleRecord(3, 'users', i + 1)),
    );
    assert.ok(perCheckpoint < 2048, `${perCheckpoint.toFixed(0)} bytes of history per checkpoint`);
    assert.ok(
      theirsHistory.bytes / theirs.batchesCommitted > 2 * recordBytes * 0.5,
      'the records path carries each batch through history (the comparison is meaningful)',
    );
    assert.ok(
      oursHistory.bytes * 5 < theirsHistory.bytes,
      `history: ${oursHistory.bytes} bytes vs ${theirsHistory.bytes} on the records path`,
    );
  });

  test('streams are read at once, up to streamConcurrency, and one at a time with 1', async () => {
    const firstBatches = async (connectionId: string, concurrency: number) => {
      await run(input(connectionId, { streamConcurrency: concurrency }));
      const events =
        (await env.client.workflow.getHandle(syncWorkflowId(connectionId)).fetchHistory()).events ??
        [];
      // The syncBatch activities scheduled before the first one completes.
      const scheduled: string[] = [];
      for (const event of events) {
        if (event.activityTaskCompletedEventAttributes && scheduled.length > 0) break;
        const attributes = event.activityTaskScheduledEventAttributes;
        if (attributes?.activityType?.name === 'syncBatch')
          scheduled.push(String(attributes.activityId));
      }
      return scheduled.length;
    };
    await withWorker(async () => {
      assert.equal(await firstBatches('c3', 3), 3, 'three streams start together');
      assert.equal(await firstBatches('c1', 1), 1, 'one stream at a time');
    });
  });
});

describe('payloads near Temporal limits', () => {
  const streams = Array.from({ length: 20 }, (_, i) => `stream_${String(i + 1).padStart(2, '0')}`);
  const bigInput = (connectionId: string): BatchSyncInput => ({
    connectionId,
    source: { name: 'wide-source', reader: 'big-state', streams },
    destination: { tablePrefix: `${connectionId}_` },
  });

  test('20 streams with states near the per-message limit start and sync through syncBatch', async () => {
    const result = await withWorker(() => run(bigInput('w1')));
    assert.equal(result.status, 'completed');
    assert.equal(result.streams.length, 20);
    assert.ok(result.streams.every((s) => s.checkpoint === 1 && s.recordsCommitted === 1));
    assert.ok(
      result.streams.every((s) => s.state === null),
      'states too large to carry back stay in the database',
    );
    const stored = await backend.getStateProvider('wide-source', { tablePrefix: 'w1_' });
    assert.equal(stored.streamStateArtifacts.length, 20);
    assert.deepEqual(stored.getStreamState('stream_07').stream?.stream_state, bigState(1));
    const history = await historyOf(syncWorkflowId('w1'));
    assert.ok(history.bytes < 100_000, `${history.bytes} bytes of history for 20 MB of state`);
  });

  test('the same connection on a path that loads every state at start fails once, naming the limit', async () => {
    const started = Date.now();
    const failure = await withWorker(() =>
      run(bigInput('w1'), 'recordsThroughWorkflowSync').then(
        () => assert.fail('the sync should fail'),
        (error: unknown) => error,
      ),
    );
    assert.ok(failure instanceof WorkflowFailedError, String(failure));
    const cause = failure.cause?.cause as { type?: string; message?: string } | undefined;
    assert.equal(cause?.type, 'PayloadTooLarge');
    assert.match(
      String(cause?.message),
      /result of startSync .* over the payload limit of 1500000 bytes.*loadState: false/,
    );
    const events =
      (await env.client.workflow.getHandle(syncWorkflowId('w1')).fetchHistory()).events ?? [];
    const attempts = events
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes?.attempt);
    assert.deepEqual(attempts, [1], 'one attempt, no retry');
    assert.ok(Date.now() - started < 60_000);
  });

  test('records through the workflow over the payload limit fail the workflow at once, and nothing is committed', async () => {
    const batch = Array.from({ length: 5000 }, (_, i) => sampleRecord(3, 'users', i + 1));
    assert.ok(jsonBytes(batch) > 1_500_000, 'a batch of 5,000 users is over the limit');
    const failure = await withWorker(() =>
      run(
        {
          ...input('p1', { batchSize: 5000 }),
          source: { name: 'sample-source', streams: ['users'], config: { count: 6000, seed: 3 } },
        },
        'recordsThroughWorkflowSync',
      ).then(
        () => assert.fail('the sync should fail'),
        (error: unknown) => error,
      ),
    );
    assert.ok(failure instanceof WorkflowFailedError, String(failure));
    const cause = failure.cause as { type?: string; message?: string } | undefined;
    assert.equal(cause?.type, 'PayloadTooLarge');
    assert.match(
      String(cause?.message),
      /over the payload limit of 1500000 bytes.*session\.syncBatch/,
    );
    const rows = await backend
      .fork()
      .execute<{ n: string }[]>(
        `select count(*) as n from _sync_state_checkpoints where connection_id = 'p1' and checkpoint > 0`,
      );
    assert.equal(Number(rows[0]?.n), 0, 'no batch was committed');
  });
});
