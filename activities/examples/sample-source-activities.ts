/**
 * Temporal activities over the sample source: one call reads one batch after a cursor. The
 * source is pure and deterministic, so a retried call returns exactly the same batch, and a
 * workflow can resume from its last committed cursor after any failure.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { describeValue, InvalidInputError } from '../../src/errors';
import { isPlainObject } from '../../src/protocol';
import {
  expectStreamName,
  MAX_BATCH_LIMIT,
  readBatch,
  type ReadBatchInput,
  type ReadBatchResult,
} from '../../examples/sample-source';
import { asActivity } from '../as-activity';

/**
 * Default most records per batch: about 1.6 MB of JSON for the widest stream (`users`, about
 * 310 bytes a record), inside Temporal's 2 MB limit on one activity result.
 */
export const DEFAULT_MAX_SOURCE_BATCH_LIMIT = 5000;

/** Options of {@link createSampleSourceActivities}. */
export interface SampleSourceActivityOptions {
  /** Largest accepted `limit`, 1 to 100,000. Default: {@link DEFAULT_MAX_SOURCE_BATCH_LIMIT}. */
  readonly maxBatchLimit?: number;
}

/** Input of `readSourceBatch`. */
export interface ReadSourceBatchInput {
  /** `users`, `products` or `purchases`. */
  readonly stream: string;
  /** Read records with `updated_at` after this ISO-8601 date-time; null or absent: from the start. */
  readonly cursor?: string | null;
  /** Most records to return, 1 to the activity's `maxBatchLimit`. */
  readonly limit: number;
  /** Seed of the data. */
  readonly seed: number;
  /** Records in the stream. */
  readonly count: number;
  /** The caller's number for this batch (e.g. the checkpoint it will become); only used with `failBatch`. */
  readonly batch?: number;
  /** Fault injection: when `batch === failBatch`, the first attempt fails with a retryable error. */
  readonly failBatch?: number;
}

/**
 * Creates the sample source's activities. `readSourceBatch` returns the records after the
 * cursor, the STREAM state after them, and whether the stream is exhausted. Bad input fails
 * with a non-retryable `ApplicationFailure` of type `InvalidInput`; an injected failure is
 * retryable (type `InjectedFailure`) and happens on attempt 1 only, so a retry gets through.
 */
export function createSampleSourceActivities(options: SampleSourceActivityOptions = {}) {
  const maxBatchLimit = options.maxBatchLimit ?? DEFAULT_MAX_SOURCE_BATCH_LIMIT;
  // Checked at worker start-up, where a wrong option is cheap to spot, rather than on every call.
  if (!Number.isInteger(maxBatchLimit) || maxBatchLimit < 1 || maxBatchLimit > MAX_BATCH_LIMIT) {
    throw new InvalidInputError(
      'maxBatchLimit',
      `an integer from 1 to ${MAX_BATCH_LIMIT}`,
      describeValue(maxBatchLimit),
    );
  }
  return {
    /**
     * Reads one batch of a sample stream; see {@link ReadSourceBatchInput}. An arrow function,
     * because workers call activities detached from this object.
     */
    readSourceBatch: (input: ReadSourceBatchInput): Promise<ReadBatchResult> =>
      // Run the body inside a promise, so that its synchronous input errors reach asActivity too.
      asActivity(() => Promise.resolve().then(() => readSourceBatch(input, maxBatchLimit))),
  };
}

/** The activities {@link createSampleSourceActivities} returns, for `proxyActivities<SampleSourceActivities>`. */
export type SampleSourceActivities = ReturnType<typeof createSampleSourceActivities>;

function readSourceBatch(input: unknown, maxBatchLimit: number): ReadBatchResult {
  if (!isPlainObject(input))
    throw new InvalidInputError('readSourceBatch input', 'a JSON object', describeValue(input));
  const batch = optionalCount(input.batch, 'batch');
  const failBatch = optionalCount(input.failBatch, 'failBatch');
  if (typeof input.limit === 'number' && input.limit > maxBatchLimit) {
    throw new InvalidInputError(
      'limit',
      `at most ${maxBatchLimit} (the activity's maxBatchLimit)`,
      describeValue(input.limit),
    );
  }
  // Validation comes first: bad input must fail non-retryably even when its batch is the one to fail.
  const result = readBatch({
    ...input,
    stream: expectStreamName(input.stream, 'stream'),
  } as ReadBatchInput);
  if (failBatch !== undefined && batch === failBatch && Context.current().info.attempt === 1) {
    throw ApplicationFailure.create({
      message: `injected failure of ${String(input.stream)} batch ${batch} (attempt 1)`,
      type: 'InjectedFailure',
      nonRetryable: false,
    });
  }
  return result;
}

/** A batch number: a non-negative integer, or absent. */
function optionalCount(value: unknown, option: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new InvalidInputError(option, 'a non-negative integer or absent', describeValue(value));
}
