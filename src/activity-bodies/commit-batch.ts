import { checkTablePrefix } from '../backend/options';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { qualifiedName } from '../backend/commit/record-table';
import { describeValue, InvalidInputError } from '../errors';
import { prepareStateMessage } from '../protocol/validate';
import { checkConnectionId, checkInteger, checkPrimaryKey, checkStream } from './check-input';
import { checkRecords } from './check-records';
import { checkGetStateInput } from './state-snapshot';
import { streamRecordTable } from './stream-table';
import type { CommitBatchResult } from './types';

/**
 * Commits one batch exactly once, in ONE transaction (the backend's commit step): upserts its
 * records by primary key into the stream's table, writes the state after the batch, and advances
 * the stream's checkpoint. A commit whose checkpoint already committed changes nothing and says
 * so; an older checkpoint, an epoch older than the connection's, or no epoch once a run claimed
 * the connection throws `StaleCheckpointError`. Invalid input throws before anything is written.
 */
export async function commitBatch(
  backend: SqlStateBackend,
  input: unknown,
): Promise<CommitBatchResult> {
  const batch = checkCommitBatchInput(backend, input);
  const outcome = await backend.commits.commit({
    fence: { connectionId: batch.connectionId, epoch: batch.epoch },
    streams: [
      {
        key: { namespace: batch.state.namespace, streamName: batch.state.streamName },
        checkpoint: batch.checkpoint,
        records: { table: batch.table, rows: batch.records },
      },
    ],
    state: {
      owner: {
        sourceName: batch.sourceName,
        destinationName: batch.destinationName,
        tablePrefix: batch.tablePrefix,
      },
      messages: [batch.state],
    },
  });
  const stream = outcome.checkpoints[0]!;
  return {
    status: outcome.status,
    checkpoint: stream.checkpoint,
    recordsWritten: stream.rowsWritten,
    table: qualifiedName(batch.table),
    streamRecordsCommitted: stream.recordsCommitted,
    committedAt: stream.committedAt,
  };
}

function checkCommitBatchInput(backend: SqlStateBackend, input: unknown) {
  const owner = checkGetStateInput(input);
  const value = input as Record<string, unknown>;
  const connectionId = checkConnectionId(value.connectionId);
  const state = prepareStateMessage(value.state, { maxBytes: backend.maxStateBytes });
  let stream: { name: string; namespace: string };
  if (value.stream !== undefined && value.stream !== null) {
    stream = checkStream('stream', value.stream);
    if (
      state.type === 'STREAM' &&
      (stream.name !== state.streamName || stream.namespace !== state.namespace)
    ) {
      throw new InvalidInputError(
        'stream',
        `the state message's stream "${state.streamName}"`,
        describeValue(stream.name),
      );
    }
  } else if (state.type === 'STREAM') {
    stream = { name: state.streamName, namespace: state.namespace };
  } else {
    throw new InvalidInputError(
      'stream',
      `the records' stream (the state is ${state.type}, so it names none)`,
      'nothing',
    );
  }
  const tablePrefix = checkTablePrefix(owner.tablePrefix ?? backend.tablePrefix);
  const primaryKey = checkPrimaryKey(value.primaryKey);
  const table = streamRecordTable(
    backend,
    { sourceName: owner.sourceName, tablePrefix },
    stream,
    primaryKey,
    value.table,
  );
  return {
    connectionId,
    sourceName: owner.sourceName,
    destinationName: owner.destinationName,
    tablePrefix,
    state,
    table,
    records: checkRecords(value.records, primaryKey),
    checkpoint: checkInteger('checkpoint', value.checkpoint, 1),
    epoch:
      value.epoch === undefined || value.epoch === null
        ? undefined
        : checkInteger('epoch', value.epoch, 1),
  };
}
