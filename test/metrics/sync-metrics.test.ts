/**
 * The commit step's metrics through a real backend and database: what each kind of commit ends
 * as (committed, already committed, refused as stale) is counted once, with the opted-in labels.
 * The meter records what it is given (Core's exporters cannot be read back in-process; the
 * Prometheus path is tested end to end in test/app/worker-and-sync.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createStateActivities, type StateActivities } from '../../activities';
import { type CommitBatchInput, SqlStateBackend, SyncMetrics } from '../../src';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
const samples: { name: string; value: number; tags: MetricTags }[] = [];
let backend: SqlStateBackend;
let activities: StateActivities;

/** A meter that keeps every value it is given, with its name and tags. */
function recordingMeter(): MetricMeter {
  const metric = (name: string, kind: 'counter' | 'histogram' | 'gauge') => {
    const keep = (value: number, tags: MetricTags = {}) => samples.push({ name, value, tags });
    const instrument = {
      name,
      kind,
      valueType: 'float' as const,
      add: keep,
      record: keep,
      set: keep,
    };
    return { ...instrument, withTags: () => instrument };
  };
  return {
    createCounter: (name) => metric(name, 'counter') as never,
    createHistogram: (name) => metric(name, 'histogram') as never,
    createGauge: (name) => metric(name, 'gauge') as never,
    withTags: () => recordingMeter(),
  };
}

const sum = (name: string, tags: MetricTags = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(tags).every(([k, v]) => s.tags[k] === v))
    .reduce((total, s) => total + s.value, 0);
const count = (name: string) => samples.filter((s) => s.name === name).length;

before(async () => {
  await db.ready();
  const metrics = new SyncMetrics({ meter: recordingMeter(), labels: ['connection', 'stream'] });
  backend = await SqlStateBackend.connect({ url: db.url, metrics });
  activities = createStateActivities(backend);
});
after(async () => {
  await backend?.close();
});

function run<A, R>(fn: (input: A) => Promise<R>, input: A, runId = 'run-1'): Promise<R> {
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'metrics-test', runId } },
    { logger: new DefaultLogger('ERROR') },
  );
  return env.run(fn, input);
}

describe('SyncMetrics on the commit step', () => {
  test('a commit, its retry and a stale commit are each counted once, with connection and stream labels', async () => {
    const owner = { sourceName: 'metrics-src', tablePrefix: 'm_' };
    const { epoch } = await run(activities.startSync, { connectionId: 'mc', ...owner });
    const input: CommitBatchInput = {
      connectionId: 'mc',
      epoch,
      ...owner,
      primaryKey: ['id'],
      records: [{ id: 1 }, { id: 2 }, { id: 3 }],
      state: {
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: 3 } },
      },
      checkpoint: 1,
    };
    assert.equal((await run(activities.commitBatch, input)).status, 'committed');
    assert.equal((await run(activities.commitBatch, input)).status, 'alreadyCommitted');
    // A newer run claims the connection: the old run's next commit is refused as stale.
    await run(activities.startSync, { connectionId: 'mc', ...owner }, 'run-2');
    await assert.rejects(
      run(activities.commitBatch, { ...input, checkpoint: 2 }),
      (error: Error) => {
        assert.match(error.message, /newer run|epoch/);
        return true;
      },
    );

    const mc = { connection: 'mc' };
    assert.equal(sum('sync_state_records_committed', { ...mc, stream: 'users' }), 3);
    assert.equal(sum('sync_state_commits', mc), 1);
    assert.equal(sum('sync_state_commits_already_committed', mc), 1);
    assert.equal(sum('sync_state_commits_stale', mc), 1);
    assert.equal(count('sync_state_commit_latency'), 2, 'the commit and its retry');
    assert.equal(
      sum('sync_state_state_bytes_written', mc),
      Buffer.byteLength(JSON.stringify(input.state)),
    );
    const lag = samples.filter((s) => s.name === 'sync_state_seconds_since_last_commit');
    // The activity's namespace and task queue, as Temporal's own metrics; no activity type.
    assert.deepEqual(lag[0]?.tags, {
      namespace: 'test',
      task_queue: 'test',
      ...mc,
      stream: 'users',
    });
    assert.equal(lag[0]?.value, 0, 'no lag right after the commit');
  });
});
