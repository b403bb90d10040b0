import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { StateProvider } from '../backend/state-provider';
import type { SqlExecutor } from '../backend/sql/executor';
import { describeValue, InvalidInputError } from '../errors';
import { checkObject, checkOptionalName } from './check-input';
import type { GetStateInput, SyncStateSnapshot } from './types';

/** Reads the stored state of a source as the plain JSON that the `getState` activity returns. */
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
  return snapshotOf(provider);
}

/** The JSON form of a provider's state: each message once. */
export function snapshotOf(provider: StateProvider): SyncStateSnapshot {
  return { messages: [...provider.stateMessageArtifacts] };
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
