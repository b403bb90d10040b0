import type { ClearedStreamState } from '../backend/clear-states';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { lockConnectionEpoch } from '../backend/sql/claim-connection';
import { describeValue, InvalidInputError, StaleCheckpointError } from '../errors';
import { checkInteger, checkConnectionId, checkStream } from './check-input';
import { checkGetStateInput, checkJsonNumbers } from './state-snapshot';
import type { StateOwner, StreamKey } from './types';

/** Input of the `resetStreams` activity. */
export interface ResetStreamsInput extends StateOwner {
  /** The connection whose run resets its streams. */
  readonly connectionId: string;
  /** The run's epoch (from `startSync`): only the run that owns the connection may reset. */
  readonly epoch: number;
  /** The streams whose state to clear; a stream without state is skipped. */
  readonly streams: readonly (string | StreamKey)[];
  /** Kept with the clear in the history. Default: none. */
  readonly note?: string;
}

/** What `resetStreams` returns. */
export interface ResetStreamsResult {
  /** The state it removed (streams that had none are absent). */
  readonly removed: ClearedStreamState[];
}

/**
 * Clears the state of some streams of a running sync, for the run itself (e.g. the `resetStream`
 * update of the example workflow), in one transaction that checks the run still owns the
 * connection. Unlike the CLI's clear, it does not fence the connection: the caller is its run.
 */
export async function resetStreams(
  backend: SqlStateBackend,
  input: unknown,
): Promise<ResetStreamsResult> {
  const owner = checkGetStateInput(input);
  const value = input as Record<string, unknown>;
  const connectionId = checkConnectionId(value.connectionId);
  const epoch = checkInteger('epoch', value.epoch, 1);
  if (!Array.isArray(value.streams))
    throw new InvalidInputError('streams', 'an array of streams', describeValue(value.streams));
  const streams = value.streams.map((s, i) => checkStream(`streams[${i}]`, s));
  const note = typeof value.note === 'string' ? value.note : undefined;
  await backend.migrate();
  return backend.fork().transactional(async (em) => {
    const current = await lockConnectionEpoch(em, backend.tables, connectionId);
    if (current !== epoch) {
      throw new StaleCheckpointError(
        connectionId,
        `the reset carries epoch ${epoch} but the connection's is ${current ?? 'unclaimed'}`,
      );
    }
    const provider = await backend.getStateProvider(owner.sourceName, {
      destinationName: owner.destinationName,
      tablePrefix: owner.tablePrefix,
      em,
    });
    const messageOf = (s: { name: string; namespace: string }) =>
      provider.stateMessageArtifacts.find(
        (m) =>
          m.type === 'STREAM' &&
          m.stream?.stream_descriptor.name === s.name &&
          (m.stream.stream_descriptor.namespace ?? '') === s.namespace,
      );
    const stored = streams.filter((s) => messageOf(s) !== undefined);
    if (stored.length === 0) return { removed: [] };
    // The removed state goes back to the workflow as JSON: refuse before clearing what it cannot carry.
    checkJsonNumbers(
      owner.sourceName,
      stored.map((s) => messageOf(s) ?? null),
    );
    const removed = await backend.clearState(owner.sourceName, {
      destinationName: owner.destinationName,
      tablePrefix: owner.tablePrefix,
      streams: stored,
      note,
      em,
    });
    return { removed };
  });
}
