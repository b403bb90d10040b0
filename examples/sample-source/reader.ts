/**
 * The sample source as a source reader for the `syncBatch` activity: what a user writes for their
 * own API. Register it on the worker with `readers: { 'sample-source': createSampleSourceReader() }`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describeValue, InvalidInputError } from '../../src/errors';
import { isPlainObject } from '../../src/protocol/validate';
import type {
  BatchReadRequest,
  BatchReadResult,
  SourceReader,
} from '../../src/activity-bodies/source-reader';
import { readBatch } from './batch';
import { expectStreamName } from './streams';

/** What the sample reader takes as `config` from the workflow input. */
export interface SampleSourceConfig {
  /** Records per stream at the source. Required. */
  readonly count: number;
  /** Seed of the data. Default: 1. */
  readonly seed?: number;
  /** Make this batch (checkpoint number) fail on its first attempt, to show a retry. Default: none. */
  readonly failBatch?: number;
}

/**
 * A reader of the sample source: the records after the stream's `updated_at` cursor, from
 * indexes alone (so a retried read returns the same batch). Bad config fails with
 * `InvalidInputError` (non-retryable); the injected failure is retryable and happens on the
 * first attempt only.
 */
export function createSampleSourceReader(): SourceReader {
  return (request: BatchReadRequest): Promise<BatchReadResult> =>
    Promise.resolve().then(() => read(request));
}

function read(request: BatchReadRequest): BatchReadResult {
  const config = request.config;
  const failBatch = config.failBatch;
  if (failBatch !== undefined && failBatch !== null && !Number.isSafeInteger(failBatch))
    throw new InvalidInputError(
      'config.failBatch',
      'a batch number or absent',
      describeValue(failBatch),
    );
  const cursor = isPlainObject(request.state) ? request.state.updated_at : undefined;
  const batch = readBatch({
    stream: expectStreamName(request.stream.name, 'stream'),
    cursor: typeof cursor === 'string' ? cursor : null,
    limit: request.limit,
    seed: (config.seed as number | undefined) ?? 1,
    count: config.count as number,
  });
  if (failBatch === request.checkpoint && request.attempt === 1)
    throw ApplicationFailure.create({
      message: `injected failure of ${request.stream.name} batch ${request.checkpoint} (attempt 1)`,
      type: 'InjectedFailure',
      nonRetryable: false,
    });
  return {
    records: batch.records,
    state: batch.state.stream?.stream_state ?? {},
    done: batch.done,
  };
}
