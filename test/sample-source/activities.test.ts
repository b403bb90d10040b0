import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import {
  createSampleSourceActivities,
  DEFAULT_MAX_SOURCE_BATCH_LIMIT,
  type ReadSourceBatchInput,
} from '../../activities/examples/sample-source-activities';
import { readBatch, type ReadBatchResult } from '../../examples/sample-source';

/** Runs readSourceBatch as attempt `attempt` of an activity, the way a worker would. */
function runAttempt(
  attempt: number,
  input: ReadSourceBatchInput,
  activities = createSampleSourceActivities(),
): Promise<ReadBatchResult> {
  const env = new MockActivityEnvironment({ attempt }, { logger: new DefaultLogger('ERROR') });
  return env.run(activities.readSourceBatch, input);
}

const input: ReadSourceBatchInput = {
  stream: 'users',
  cursor: null,
  limit: 10,
  seed: 1,
  count: 25,
};

/** Asserts that `promise` fails with an ApplicationFailure of `type`, retryable or not, whose message matches. */
async function rejectsWith(
  promise: Promise<unknown>,
  type: string,
  nonRetryable: boolean,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApplicationFailure, String(error));
    assert.deepEqual([error.type, error.nonRetryable], [type, nonRetryable]);
    assert.match(error.message, message);
    return true;
  });
}

describe('readSourceBatch', () => {
  test('returns what readBatch returns', async () => {
    const result = await runAttempt(1, { ...input, cursor: '2024-01-01T00:00:10.000Z' });
    assert.deepEqual(
      result,
      readBatch({
        stream: 'users',
        cursor: '2024-01-01T00:00:10.000Z',
        limit: 10,
        seed: 1,
        count: 25,
      }),
    );
    assert.deepEqual(
      result.records.map((r) => r.id),
      [11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    );
  });

  test('fails the chosen batch on its first attempt only, with a retryable error', async () => {
    const failing = { ...input, batch: 2, failBatch: 2 };
    await rejectsWith(
      runAttempt(1, failing),
      'InjectedFailure',
      false,
      /^injected failure of users batch 2 \(attempt 1\)$/,
    );
    // The retry gets the very batch the failed attempt would have returned: the source is pure.
    assert.deepEqual(await runAttempt(2, failing), await runAttempt(1, input));
  });

  test('does not fail other batches', async () => {
    const other = await runAttempt(1, { ...input, batch: 1, failBatch: 2 });
    assert.equal(other.records.length, 10);
    assert.equal((await runAttempt(1, { ...input, batch: 2 })).records.length, 10);
  });

  test('turns invalid input into a non-retryable InvalidInput failure, even on the batch meant to fail', async () => {
    const cases: [Partial<Record<keyof ReadSourceBatchInput, unknown>>, RegExp][] = [
      [{ stream: 'orders' }, /^Invalid stream: expected one of "users", "products", "purchases"/],
      [{ cursor: 'now' }, /^Invalid cursor/],
      [{ count: -5 }, /^Invalid count/],
      [
        { limit: DEFAULT_MAX_SOURCE_BATCH_LIMIT + 1 },
        /^Invalid limit: expected at most 5000 \(the activity's maxBatchLimit\)/,
      ],
      [{ batch: -1, failBatch: -1 }, /^Invalid batch: expected a non-negative integer or absent/],
      [{ failBatch: '2' }, /^Invalid failBatch/],
      [{ stream: 'orders', batch: 1, failBatch: 1 }, /^Invalid stream/],
    ];
    for (const [change, message] of cases) {
      await rejectsWith(
        runAttempt(1, { ...input, ...change } as ReadSourceBatchInput),
        'InvalidInput',
        true,
        message,
      );
    }
    await rejectsWith(
      runAttempt(1, null as unknown as ReadSourceBatchInput),
      'InvalidInput',
      true,
      /^Invalid readSourceBatch input/,
    );
  });

  test('accepts a larger maxBatchLimit when the worker allows one', async () => {
    const activities = createSampleSourceActivities({ maxBatchLimit: 20_000 });
    const result = await runAttempt(1, { ...input, limit: 20_000, count: 20_000 }, activities);
    assert.equal(result.records.length, 20_000);
    assert.equal(result.done, true);
    assert.throws(
      () => createSampleSourceActivities({ maxBatchLimit: 0 }),
      /Invalid maxBatchLimit: expected an integer from 1 to 100000/,
    );
  });
});
