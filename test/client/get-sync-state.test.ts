import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  createSampleSourceActivities,
  type ReadSourceBatchInput,
} from '../../activities/examples/sample-source-activities';
import { commitBatch, getSyncState, SqlStateBackend, startSyncWorkflow } from '../../src';
import { readBatch } from '../../examples/sample-source';
import { getSyncStateQuery } from '../../workflows/definitions';
import { withTestDatabase } from '../helpers/database';
import {
  startTestTemporal,
  type TestTemporal,
  untilSyncProgress,
  withTestWorker,
} from '../helpers/temporal';

// The held read completes after the workflow is terminated: keep Core's warning out of the output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const db = withTestDatabase();
let env: TestWorkflowEnvironment;
let backend: SqlStateBackend;
let temporal: TestTemporal;
const taskQueue = `get-sync-state-${randomUUID()}`;

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

describe('getSyncState', () => {
  test("a running sync whose query lags the database reports the database's newer checkpoint", async () => {
    // The sample source answers batch 1 of each stream, then holds batch 2 until `open()`: the
    // workflow waits on that read with checkpoint 1 of users committed and known to it.
    const source = createSampleSourceActivities();
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const activities = {
      readSourceBatch: async (input: ReadSourceBatchInput) => {
        if ((input.batch ?? 1) > 1) await gate;
        return source.readSourceBatch(input);
      },
    };
    const connectionId = 'lag1';
    const batch = { stream: 'users', limit: 20, seed: 3, count: 100 } as const;
    await withTestWorker(temporal, { taskQueue, databaseUrl: db.url, activities }, async () => {
      const handle = await startSyncWorkflow(
        env.client,
        {
          connectionId,
          source: {
            name: 'sample-source',
            streams: ['users', 'products', 'purchases'],
            config: { count: batch.count, seed: batch.seed },
          },
          destination: { tablePrefix: `${connectionId}_` },
          batchSize: batch.limit,
        },
        // The records path: its read activity is one the test can hold.
        { taskQueue, workflowType: 'recordsThroughWorkflowSync' },
      );
      try {
        const live = await untilSyncProgress(env.client, connectionId, (p) =>
          p.streams.some((s) => s.name === 'users' && s.checkpoint === 1),
        );
        assert.deepEqual(
          await getSyncState(env.client, handle.workflowId, { backend }),
          live,
          'while the database has nothing newer, the answer is the live one',
        );

        // The commit of batch 2 lands, as the workflow's next commitBatch would make it, and
        // the workflow does not hear of it: as when a worker dies right after a commit.
        const users = live.streams.find((s) => s.name === 'users');
        const cursor = users?.state?.updated_at;
        const next = readBatch({ ...batch, cursor: typeof cursor === 'string' ? cursor : null });
        const committed = await commitBatch(backend, {
          connectionId,
          sourceName: 'sample-source',
          tablePrefix: `${connectionId}_`,
          records: next.records,
          primaryKey: ['id'],
          state: next.state,
          checkpoint: 2,
          epoch: live.epoch,
        });
        assert.equal(committed.status, 'committed');
        const lagging = await handle.query(getSyncStateQuery);
        assert.equal(
          lagging.streams.find((s) => s.name === 'users')?.checkpoint,
          1,
          'the query lags',
        );

        const answer = await getSyncState(env.client, handle.workflowId, { backend });
        assert.equal(answer.status, 'running');
        assert.deepEqual(
          answer.streams.find((s) => s.name === 'users'),
          {
            name: 'users',
            namespace: null,
            state: next.state.stream?.stream_state,
            checkpoint: 2,
            recordsCommitted: 2 * batch.limit,
            committedAt: committed.committedAt,
          },
          'the users stream as the database has it: checkpoint, state and counts',
        );
        assert.deepEqual(
          answer.streams.filter((s) => s.name !== 'users'),
          lagging.streams.filter((s) => s.name !== 'users'),
          'the other streams as the workflow has them',
        );
        assert.equal(answer.batchesCommitted, lagging.batchesCommitted + 1);
        assert.equal(answer.recordsCommitted, lagging.recordsCommitted + batch.limit);
        assert.equal(answer.lastCommittedAt, committed.committedAt);
        assert.equal(answer.epoch, live.epoch);
      } finally {
        open();
        await handle.terminate('test done').catch(() => undefined);
      }
    });
  });
});
