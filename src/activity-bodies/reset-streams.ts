import type { ClearedStreamState } from '../backend/clear-states';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { checkTablePrefix } from '../backend/options';
import { describeValue, InvalidInputError } from '../errors';
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
  const stateOwner = {
    sourceName: owner.sourceName,
    destinationName: owner.destinationName,
    tablePrefix: checkTablePrefix(owner.tablePrefix ?? backend.tablePrefix),
  };
  // The removed state goes back to the workflow as JSON: refuse before clearing what it cannot
  // carry. Only this run writes the connection's state meanwhile (it is fenced), so what is read
  // here is what the commit below clears.
  const provider = await backend.getStateProvider(owner.sourceName, {
    destinationName: owner.destinationName,
    tablePrefix: stateOwner.tablePrefix,
  });
  checkJsonNumbers(
    owner.sourceName,
    streams.map(
      (s) =>
        provider.stateMessageArtifacts.find(
          (m) =>
            m.type === 'STREAM' &&
            m.stream?.stream_descriptor.name === s.name &&
            (m.stream.stream_descriptor.namespace ?? '') === s.namespace,
        ) ?? null,
    ),
  );
  const { cleared } = await backend.commits.commit({
    fence: { connectionId, epoch },
    streams: [],
    clear: { owner: stateOwner, streams, note },
  });
  return { removed: [...cleared] };
}
