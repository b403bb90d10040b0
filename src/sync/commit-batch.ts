import { checkTablePrefix } from '../backend/options';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { lockStreamCheckpoint, saveStreamCheckpoint } from '../backend/sql/stream-checkpoints';
import {
  ensureStreamTable,
  qualifiedTableName,
  type StreamTable,
  upsertStreamRecords,
} from '../backend/sql/stream-records';
import { describeValue, InvalidInputError, StaleCheckpointError } from '../errors';
import { prepareStateMessage } from '../protocol/validate';
import {
  checkIdentifier,
  checkInteger,
  checkConnectionId,
  checkPrimaryKey,
  checkRecords,
  checkStream,
} from './check-input';
import { checkCommitEpoch } from './check-commit-epoch';
import { checkGetStateInput } from './state-snapshot';
import type { CommitBatchResult } from './types';

/** Stream tables known to exist with the right key, per backend: checked once, not per commit. */
const knownTables = new WeakMap<SqlStateBackend, Set<string>>();

/**
 * Commits one batch exactly once, in ONE transaction: upserts its records by primary key into
 * the stream's table, writes the state after the batch, and advances the stream's checkpoint.
 * A commit whose checkpoint already committed changes nothing and says so; an older checkpoint,
 * or an epoch older than the connection's, throws {@link StaleCheckpointError}. Invalid input
 * throws before anything touches the database.
 */
export async function commitBatch(
  backend: SqlStateBackend,
  input: unknown,
): Promise<CommitBatchResult> {
  const batch = checkCommitBatchInput(backend, input);
  await backend.migrate();
  const qualified = qualifiedTableName(batch.table);
  const known = knownTables.get(backend) ?? new Set<string>();
  knownTables.set(backend, known);
  const result = await backend.fork().transactional(async (em): Promise<CommitBatchResult> => {
    const { connectionId } = batch;
    if (batch.epoch !== undefined)
      await checkCommitEpoch(em, backend.tables, connectionId, batch.epoch);
    const last = await lockStreamCheckpoint(em, backend.tables, batch.key);
    if (last.checkpoint === batch.checkpoint) {
      return {
        status: 'alreadyCommitted',
        checkpoint: batch.checkpoint,
        recordsWritten: 0,
        table: qualified,
        streamRecordsCommitted: last.recordsCommitted,
        committedAt: last.committedAt,
      };
    }
    if (last.checkpoint > batch.checkpoint) {
      throw new StaleCheckpointError(
        connectionId,
        `checkpoint ${batch.checkpoint} is older than the committed checkpoint ${last.checkpoint} of stream "${batch.key.streamName}"`,
      );
    }
    if (!known.has(qualified)) await ensureStreamTable(em, batch.table);
    const recordsWritten = await upsertStreamRecords(
      em,
      batch.table,
      batch.records,
      batch.checkpoint,
    );
    await backend
      .getStateWriter(batch.sourceName, {
        destinationName: batch.destinationName,
        tablePrefix: batch.tablePrefix,
      })
      .writeState(batch.state.message, {
        em,
        audit: { connectionId, checkpoint: batch.checkpoint },
      });
    const saved = await saveStreamCheckpoint(em, backend.tables, batch.key, {
      checkpoint: batch.checkpoint,
      epoch: batch.epoch,
      records: recordsWritten,
    });
    return {
      status: 'committed',
      checkpoint: batch.checkpoint,
      recordsWritten,
      table: qualified,
      streamRecordsCommitted: saved.recordsCommitted,
      committedAt: saved.committedAt,
    };
  });
  known.add(qualified); // only once the transaction that created it has committed
  return result;
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
  const table: StreamTable = {
    schema: backend.schema,
    name: checkIdentifier('table', value.table ?? tablePrefix + stream.name),
    primaryKey,
  };
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
    key: { connectionId, namespace: state.namespace, streamName: state.streamName },
  };
}
