/**
 * Random-access reading: one batch of records after a cursor, computed from indexes alone. This
 * is what a workflow calls once per activity, carrying the returned state to the next call.
 */
import { describeValue, InvalidInputError } from '../../src/errors';
import type { AirbyteStateMessage } from '../../src/protocol';
import { MAX_RECORD_COUNT, parseCursor, recordsAtOrBefore, updatedAtOf } from './cursor';
import { streamKey } from './prng';
import {
  expectStreamName,
  SAMPLE_STREAMS,
  type SampleRecord,
  type SampleStreamName,
} from './streams';
import { expectCount, expectInteger, expectObject, expectSeed } from './validate';

/** Largest `limit` of one batch; bounds the memory one call can take. */
export const MAX_BATCH_LIMIT = 100_000;

/** Input of {@link readBatch}. */
export interface ReadBatchInput {
  /** The stream to read. */
  readonly stream: SampleStreamName;
  /** Read records with `updated_at` after this ISO-8601 date-time; null or absent: from the start. */
  readonly cursor?: string | null;
  /** Most records to return, 1 to {@link MAX_BATCH_LIMIT}. */
  readonly limit: number;
  /** Seed of the data; the same seed always gives the same records. */
  readonly seed: number;
  /** How many records the stream has (records 1..count exist). */
  readonly count: number;
}

/** Output of {@link readBatch}. */
export interface ReadBatchResult {
  /** The records after the cursor, in `updated_at` (and id) order. */
  readonly records: SampleRecord[];
  /** A STREAM state message whose cursor is the last record's `updated_at` (or the input cursor). */
  readonly state: AirbyteStateMessage;
  /** The cursor inside `state`, for passing straight to the next call; null before any record. */
  readonly cursor: string | null;
  /** True when no records remain after this batch. */
  readonly done: boolean;
}

/** A STREAM state message holding `cursor` for `stream` (an empty stream state when there is none yet). */
export function streamStateMessage(
  stream: SampleStreamName,
  cursor: string | null,
): AirbyteStateMessage {
  return {
    type: 'STREAM',
    stream: {
      stream_descriptor: { name: stream },
      stream_state: cursor === null ? {} : { updated_at: cursor },
    },
  };
}

/** Record `index` (1-based) of `stream` for `seed`: pure, and made without making any other record. */
export function sampleRecord(seed: number, stream: SampleStreamName, index: number): SampleRecord {
  expectSeed(seed, 'seed');
  expectInteger(index, 'index', 1, MAX_RECORD_COUNT);
  return SAMPLE_STREAMS[expectStreamName(stream, 'stream')].make(streamKey(seed, stream), index);
}

/**
 * Reads up to `limit` records of `stream` with `updated_at` after `cursor`. Throws
 * {@link InvalidInputError} for a bad argument, naming it.
 */
export function readBatch(input: ReadBatchInput): ReadBatchResult {
  const { stream, cursor, limit, seed, count } = checkInput(input);
  const first =
    Math.min(
      recordsAtOrBefore(cursor === null ? undefined : parseCursor(cursor, 'cursor')),
      count,
    ) + 1;
  const last = Math.min(count, first - 1 + limit);
  const make = SAMPLE_STREAMS[stream].make;
  const key = streamKey(seed, stream);
  const records: SampleRecord[] = new Array<SampleRecord>(Math.max(0, last - first + 1));
  for (let index = first; index <= last; index++) records[index - first] = make(key, index);
  const nextCursor = last >= first ? updatedAtOf(last) : cursor;
  return {
    records,
    state: streamStateMessage(stream, nextCursor),
    cursor: nextCursor,
    done: last >= count,
  };
}

function checkInput(input: unknown): Required<ReadBatchInput> & { cursor: string | null } {
  const value = expectObject(input, 'readBatch input');
  const cursor = value.cursor ?? null;
  if (cursor !== null && typeof cursor !== 'string') {
    throw new InvalidInputError(
      'cursor',
      'an ISO-8601 date-time string, null or absent',
      describeValue(cursor),
    );
  }
  return {
    stream: expectStreamName(value.stream, 'stream'),
    cursor,
    limit: expectInteger(value.limit, 'limit', 1, MAX_BATCH_LIMIT),
    seed: expectSeed(value.seed, 'seed'),
    count: expectCount(value.count, 'count'),
  };
}
