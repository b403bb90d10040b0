import { checkTablePrefix } from '../backend/options';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { describeValue, InvalidInputError } from '../errors';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../protocol/json-bytes';
import { checkConnectionId, checkOptionalName } from './check-input';
import { checkPayloadSize } from './payload-guard';
import { checkGetStateInput, getStateSnapshot } from './state-snapshot';
import type { StartSyncResult } from './types';

/**
 * Starts (or resumes) a run of a connection: claims the connection for `owner`, which fences
 * off every older run, and returns the checkpoints to resume from, with the stored state unless
 * `loadState: false`. A result over `maxPayloadBytes` fails with `PayloadTooLargeError`.
 */
export async function startSync(
  backend: SqlStateBackend,
  input: unknown,
  defaultOwner?: string,
  maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES,
): Promise<StartSyncResult> {
  const owner = checkGetStateInput(input);
  const value = input as Record<string, unknown>;
  const connectionId = checkConnectionId(value.connectionId);
  const runOwner = checkOptionalName('owner', value.owner) ?? defaultOwner;
  if (runOwner === undefined)
    throw new InvalidInputError(
      'owner',
      'an owner (e.g. the workflow run id) outside an activity',
      'nothing',
    );
  const loadState = value.loadState ?? true;
  if (typeof loadState !== 'boolean')
    throw new InvalidInputError('loadState', 'true or false', describeValue(loadState));
  await backend.migrate();
  const stateOwner = {
    sourceName: owner.sourceName,
    destinationName: owner.destinationName ?? '',
    tablePrefix: checkTablePrefix(owner.tablePrefix ?? backend.tablePrefix),
  };
  const epoch = await backend.connections.claim(connectionId, runOwner, stateOwner);
  const checkpoints = await backend.getCheckpoints(connectionId);
  if (!loadState) return { epoch, checkpoints };
  return checkPayloadSize(
    { epoch, state: await getStateSnapshot(backend, owner), checkpoints },
    maxPayloadBytes,
    'the result of startSync (with the stored state of every stream)',
    'start the run with loadState: false and read each stream in its syncBatch activity, or select fewer streams',
  );
}
