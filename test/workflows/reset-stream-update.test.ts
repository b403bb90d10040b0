import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { resetSyncStream, SqlStateBackend, startSyncWorkflow, type SyncProgress } from '../../src';
import type { BatchSyncInput } from '../../workflows/batch-sync-workflow';
import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
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
const taskQueue = `reset-stream-${randomUUID()}`;
let env: TestWorkflowEnvironment;
let backend: SqlStateBackend;
let temporal: TestTemporal;

before(async () => {
  await db.ready();
  temporal = await startTestTemporal();
  env = temporal.env;
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
});
after(async () => {
  await backend?.close();
  await env?.teardown();
});

const withWorker = <T>(body: () => Promise<T>): Promise<T> =>
  withTestWorker(temporal, { taskQueue, databaseUrl: db.url }, body);

const untilProgress = (connectionId: string, done: (p: SyncProgress) => boolean) =>
  untilSyncProgress(env.client, connectionId, done);

const input = (connectionId: string, count = 60): BatchSyncInput => ({
  connectionId,
  source: { name: 'sample-source', streams: [...SAMPLE_STREAM_NAMES], config: { count, seed: 4 } },
  streamConcurrency: 1,
  destination: { tablePrefix: `${connectionId}_` },
  batchSize: 5,
});

const streamOf = (progress: SyncProgress, name: string) =>
  progress.streams.find((s) => s.name === name);

describe('the resetStream update of batchSyncWorkflow', () => {
  test('resets the stream being read between two batches, and the run reads it again from scratch', async () => {
    const result = await withWorker(async () => {
      const handle = await startSyncWorkflow(env.client, input('rs1', 150), { taskQueue });
      await untilProgress('rs1', (p) => (streamOf(p, 'users')?.checkpoint ?? 0) >= 2);
      await assert.rejects(
        resetSyncStream(env.client, 'rs1', { stream: 'nope' }),
        WorkflowUpdateFailedError,
        'the validator refuses an unknown stream',
      );
      const reset = await resetSyncStream(env.client, 'rs1', { stream: 'users', note: 'bad rows' });
      assert.equal(reset.rereadByNextRun, false);
      assert.equal(reset.removed?.streamName, 'users');
      return (await handle.result()) as SyncProgress;
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.epoch, 1, 'one run did it all');
    const users = streamOf(result, 'users');
    assert.ok((users?.recordsCommitted ?? 0) > 150, `users read again: ${users?.recordsCommitted}`);
    const [clear] = (
      await backend.getStateHistory('sample-source', { tablePrefix: 'rs1_' })
    ).filter((v) => v.operation === 'clear');
    assert.deepEqual(
      [clear?.streamName, clear?.author, clear?.workflowId, clear?.note],
      ['users', 'activity:resetStreams', 'sync-rs1', 'bad rows'],
    );
  });

  test('a reset of a stream the run has finished is read by the next run, after continue-as-new', async () => {
    const result = await withWorker(async () => {
      const handle = await startSyncWorkflow(env.client, input('rs2'), { taskQueue });
      await untilProgress('rs2', (p) => (streamOf(p, 'products')?.checkpoint ?? 0) >= 1);
      const reset = await resetSyncStream(env.client, 'rs2', { stream: 'users' });
      assert.equal(reset.rereadByNextRun, true);
      return (await handle.result()) as SyncProgress;
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.epoch, 2, 'a second run read users again');
    assert.equal(streamOf(result, 'users')?.recordsCommitted, 120);
    assert.equal(streamOf(result, 'products')?.recordsCommitted, 60, 'products was not read again');
  });
});
