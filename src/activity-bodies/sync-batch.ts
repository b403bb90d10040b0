import { checkTablePrefix } from '../backend/options';
import { qualifiedName } from '../backend/commit/record-table';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { describeValue, InvalidInputError, StaleCheckpointError } from '../errors';
import { findBigInt } from '../protocol/exact-json';
import { jsonBytes } from '../protocol/json-bytes';
import type { AirbyteStateMessage, JsonObject } from '../protocol/types';
import { findJsonProblem, isPlainObject, prepareStateMessage } from '../protocol/validate';
import {
  checkConnectionId,
  checkInteger,
  checkObject,
  checkOptionalName,
  checkPrimaryKey,
  checkStream,
} from './check-input';
import { checkRecords } from './check-records';
import type { BatchReadResult, SourceReader } from './source-reader';
import { checkGetStateInput } from './state-snapshot';
import { streamRecordTable } from './stream-table';
import type { SyncBatchResult } from './types';

/** Default largest `stream_state` a `syncBatch` result carries back to the workflow: 512 bytes of JSON. */
export const DEFAULT_MAX_RESULT_STATE_BYTES = 512;

/** Largest `limit` of one batch: bounds what a reader may hold in the worker's memory. */
export const MAX_SYNC_BATCH_LIMIT = 100_000;

/** Where a `syncBatch` call runs: its attempt, its cancellation, its heartbeat. */
export interface SyncBatchContext {
  readonly attempt: number;
  readonly signal: AbortSignal;
  heartbeat(details?: unknown): void;
}

/** The readers a worker registered, by name, and how results are shaped. */
export interface SyncBatchSetup {
  readonly readers: Readonly<Record<string, SourceReader>>;
  /** Largest state a result carries; see {@link DEFAULT_MAX_RESULT_STATE_BYTES}. */
  readonly maxResultStateBytes: number;
}

/**
 * The `syncBatch` activity's body: reads one batch of a stream with a registered reader, from the
 * stream's state as committed in PostgreSQL, and commits its records and the state after them
 * through the backend's one commit step (the run's fence, the stream's checkpoint, one
 * transaction). Returns a small summary; the records never leave the worker. A retry whose
 * checkpoint had committed answers `alreadyCommitted` without reading.
 */
export async function syncBatch(
  backend: SqlStateBackend,
  setup: SyncBatchSetup,
  input: unknown,
  context: SyncBatchContext,
): Promise<SyncBatchResult> {
  const batch = checkSyncBatchInput(backend, setup, input);
  const table = qualifiedName(batch.table);
  const key = { namespace: batch.stream.namespace, streamName: batch.stream.name };
  const last = (await backend.getCheckpoints(batch.connectionId)).find(
    (c) => c.name === key.streamName && (c.namespace ?? '') === key.namespace,
  );
  const stored = await storedStreamState(backend, batch);
  const summary = (status: SyncBatchResult['status'], done: boolean, state: JsonObject | null) => ({
    status,
    checkpoint: last?.checkpoint ?? 0,
    recordsWritten: 0,
    streamRecordsCommitted: last?.recordsCommitted ?? 0,
    committedAt: last?.committedAt ?? null,
    done,
    table,
    ...smallState(state, setup.maxResultStateBytes),
  });
  if (last && last.checkpoint >= batch.checkpoint) {
    if (last.checkpoint === batch.checkpoint) return summary('alreadyCommitted', false, stored);
    throw new StaleCheckpointError(
      batch.connectionId,
      `checkpoint ${batch.checkpoint} is older than the committed checkpoint ${last.checkpoint} of stream "${key.streamName}"`,
    );
  }
  const read = checkReadResult(
    await setup.readers[batch.reader]!({
      stream: { name: batch.stream.name, namespace: batch.stream.namespace || null },
      state: stored,
      limit: batch.limit,
      checkpoint: batch.checkpoint,
      config: batch.config,
      attempt: context.attempt,
      signal: context.signal,
      heartbeat: (details) => context.heartbeat(details),
    }),
    batch.reader,
    batch.primaryKey,
  );
  context.signal.throwIfAborted();
  if (read.records.length === 0 && JSON.stringify(read.state) === JSON.stringify(stored ?? {}))
    return summary('unchanged', read.done, stored);
  const state = prepareStateMessage(stateMessage(batch.stream, read.state), {
    maxBytes: backend.maxStateBytes,
  });
  const outcome = await backend.commits.commit({
    fence: { connectionId: batch.connectionId, epoch: batch.epoch },
    streams: [
      {
        key,
        checkpoint: batch.checkpoint,
        records: { table: batch.table, rows: read.records },
      },
    ],
    state: { owner: batch.owner, messages: [state] },
  });
  const committed = outcome.checkpoints[0]!;
  return {
    status: outcome.status,
    checkpoint: committed.checkpoint,
    recordsWritten: committed.rowsWritten,
    streamRecordsCommitted: committed.recordsCommitted,
    committedAt: committed.committedAt,
    done: outcome.status === 'committed' && read.done,
    table,
    ...smallState(outcome.status === 'committed' ? read.state : stored, setup.maxResultStateBytes),
  };
}

/** The stream's `stream_state` as committed, `null` before any. */
async function storedStreamState(
  backend: SqlStateBackend,
  batch: ReturnType<typeof checkSyncBatchInput>,
): Promise<JsonObject | null> {
  const provider = await backend.getStateProvider(batch.owner.sourceName, {
    destinationName: batch.owner.destinationName,
    tablePrefix: batch.owner.tablePrefix,
    streamsFilter: [batch.stream.name],
  });
  const message = provider.stateMessageArtifacts.find(
    (m) =>
      m.type === 'STREAM' &&
      m.stream?.stream_descriptor.name === batch.stream.name &&
      (m.stream.stream_descriptor.namespace ?? '') === batch.stream.namespace,
  );
  return message?.stream?.stream_state ?? null;
}

function stateMessage(
  stream: { name: string; namespace: string },
  state: JsonObject,
): AirbyteStateMessage {
  return {
    type: 'STREAM',
    stream: {
      stream_descriptor:
        stream.namespace === ''
          ? { name: stream.name }
          : { name: stream.name, namespace: stream.namespace },
      stream_state: state,
    },
  };
}

/**
 * The state for the result when small; absent when large, or when it holds an integer beyond
 * 2^53 (a JSON number would round it: it stays exact in the database).
 */
function smallState(state: JsonObject | null, limit: number): { state?: JsonObject } {
  if (state === null || findBigInt(state) !== undefined) return {};
  return jsonBytes(state) <= limit ? { state } : {};
}

function checkSyncBatchInput(backend: SqlStateBackend, setup: SyncBatchSetup, input: unknown) {
  const owner = checkGetStateInput(input);
  const value = checkObject('input', input);
  const reader = checkOptionalName('reader', value.reader);
  const names = Object.keys(setup.readers);
  if (reader === undefined || !Object.hasOwn(setup.readers, reader))
    throw new InvalidInputError(
      'reader',
      names.length
        ? `the name of a reader this worker registered (${names.join(', ')})`
        : 'a reader, but this worker registered none (SyncStatePlugin option readers)',
      describeValue(value.reader),
    );
  const config = value.config ?? {};
  if (!isPlainObject(config))
    throw new InvalidInputError(
      'config',
      "the reader's config, a JSON object",
      describeValue(config),
    );
  const problem = findJsonProblem(config, 'config');
  if (problem) throw new InvalidInputError(problem.path, problem.expected, problem.received);
  const tablePrefix = checkTablePrefix(owner.tablePrefix ?? backend.tablePrefix);
  const stream = checkStream('stream', value.stream);
  const primaryKey = checkPrimaryKey(value.primaryKey);
  const limit = checkInteger('limit', value.limit, 1);
  if (limit > MAX_SYNC_BATCH_LIMIT)
    throw new InvalidInputError('limit', `at most ${MAX_SYNC_BATCH_LIMIT}`, describeValue(limit));
  return {
    connectionId: checkConnectionId(value.connectionId),
    epoch: checkInteger('epoch', value.epoch, 1),
    reader,
    stream,
    primaryKey,
    limit,
    checkpoint: checkInteger('checkpoint', value.checkpoint, 1),
    config: config as JsonObject,
    owner: { sourceName: owner.sourceName, destinationName: owner.destinationName, tablePrefix },
    table: streamRecordTable(
      backend,
      { sourceName: owner.sourceName, tablePrefix },
      stream,
      primaryKey,
      value.table,
    ),
  };
}

/** Checks what a reader returned; a reader that breaks its contract fails non-retryably, naming it. */
function checkReadResult(
  value: unknown,
  reader: string,
  primaryKey: readonly string[],
): BatchReadResult {
  const where = `the result of reader "${reader}"`;
  if (!isPlainObject(value))
    throw new InvalidInputError(where, '{ records, state, done }', describeValue(value));
  if (!isPlainObject(value.state))
    throw new InvalidInputError(
      `${where}: state`,
      "the stream's state, a JSON object",
      describeValue(value.state),
    );
  const problem = findJsonProblem(value.state, 'state');
  if (problem)
    throw new InvalidInputError(`${where}: ${problem.path}`, problem.expected, problem.received);
  if (typeof value.done !== 'boolean')
    throw new InvalidInputError(`${where}: done`, 'true or false', describeValue(value.done));
  try {
    return {
      records: checkRecords(value.records, primaryKey),
      state: value.state as JsonObject,
      done: value.done,
    };
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw new InvalidInputError(`${where}: ${error.option}`, error.expected, error.received);
    throw error;
  }
}
