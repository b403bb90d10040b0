import { checkTablePrefix } from '../backend/options';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { claimConnection } from '../backend/sql/claim-connection';
import { selectCheckpoints } from '../backend/sql/stream-checkpoints';
import { InvalidInputError } from '../errors';
import { checkConnectionId, checkOptionalName } from './check-input';
import { checkGetStateInput, getStateSnapshot } from './state-snapshot';
import type { CheckpointEntry, StartSyncResult } from './types';

/**
 * Starts (or resumes) a run of a connection: claims the connection for `owner`, which fences
 * off every older run, and returns the state and checkpoints to resume from.
 */
export async function startSync(
  backend: SqlStateBackend,
  input: unknown,
  defaultOwner?: string,
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
  await backend.migrate();
  const stateOwner = {
    sourceName: owner.sourceName,
    destinationName: owner.destinationName ?? '',
    tablePrefix: checkTablePrefix(owner.tablePrefix ?? backend.tablePrefix),
  };
  const epoch = await backend
    .fork()
    .transactional((em) => claimConnection(em, backend.tables, connectionId, runOwner, stateOwner));
  const state = await getStateSnapshot(backend, owner);
  const rows = await selectCheckpoints(backend.fork(), backend.tables, connectionId);
  const checkpoints: CheckpointEntry[] = rows.map((row) => ({
    name: row.stream_name,
    namespace: row.stream_namespace === '' ? null : row.stream_namespace,
    checkpoint: Number(row.checkpoint),
    recordsCommitted: Number(row.records_committed),
    committedAt: new Date(row.committed_at).toISOString(),
  }));
  return { epoch, state, checkpoints };
}
