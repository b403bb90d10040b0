import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { StateProvider } from '../backend/state-provider';
import type { SqlExecutor } from '../backend/executor';
import { describeValue, InvalidInputError, UnsafeIntegerError } from '../errors';
import { findBigInt } from '../protocol/exact-json';
import type { AirbyteStateMessage } from '../protocol/types';
import { checkObject, checkOptionalName } from './check-input';
import type { GetStateInput, SyncStateSnapshot } from './types';

/**
 * Reads the stored state of a source as the plain JSON that the `getState` activity returns.
 * State holding an integer beyond ±(2^53 − 1) throws {@link UnsafeIntegerError}: a JSON number
 * would round it.
 */
export async function getStateSnapshot(
  backend: SqlStateBackend,
  input: unknown,
  em?: SqlExecutor,
): Promise<SyncStateSnapshot> {
  const owner = checkGetStateInput(input);
  const provider = await backend.getStateProvider(owner.sourceName, {
    destinationName: owner.destinationName,
    tablePrefix: owner.tablePrefix,
    streamsFilter: owner.streams,
    em,
  });
  return snapshotOf(provider, owner.sourceName);
}

/** The JSON form of a provider's state: each message once (see {@link checkJsonNumbers}). */
export function snapshotOf(provider: StateProvider, sourceName: string): SyncStateSnapshot {
  const messages = [...provider.stateMessageArtifacts];
  checkJsonNumbers(sourceName, messages);
  return { messages };
}

/**
 * Checks that state messages can become plain JSON (an activity result, a workflow's state)
 * without a number changing: one holding an integer beyond ±(2^53 − 1), a BigInt here, throws
 * {@link UnsafeIntegerError} naming the stream, the path and the integer.
 */
export function checkJsonNumbers(
  sourceName: string,
  messages: readonly (AirbyteStateMessage | null)[],
): void {
  for (const message of messages) {
    const found = findBigInt(message);
    if (found === undefined || message === null) continue;
    const stream =
      message.type === 'STREAM'
        ? (message.stream?.stream_descriptor.name ?? '')
        : message.type === 'GLOBAL'
          ? '_GLOBAL'
          : '_LEGACY';
    throw new UnsafeIntegerError(sourceName, stream, found.path, found.integer);
  }
}

/** Checks the fields shared by every input that names whose state it is. */
export function checkGetStateInput(input: unknown): GetStateInput & { tablePrefix?: string } {
  const value = checkObject('input', input);
  const sourceName = checkOptionalName('sourceName', value.sourceName);
  if (sourceName === undefined)
    throw new InvalidInputError('sourceName', 'a source name', describeValue(value.sourceName));
  const streams = value.streams;
  if (streams !== undefined && streams !== null && !Array.isArray(streams)) {
    throw new InvalidInputError('streams', 'an array of stream names', describeValue(streams));
  }
  const prefix = value.tablePrefix;
  if (prefix !== undefined && prefix !== null && typeof prefix !== 'string') {
    throw new InvalidInputError('tablePrefix', 'a string', describeValue(prefix));
  }
  return {
    sourceName,
    destinationName: checkOptionalName('destinationName', value.destinationName),
    tablePrefix: prefix ?? undefined,
    streams: (streams as string[] | null | undefined) ?? undefined,
  };
}
