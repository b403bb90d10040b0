import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { StateHistoryEntry } from '../backend/state-history';
import type { StreamRef } from '../backend/state-provider';
import { fenceOwners } from './fence';
import { resolveOwner } from './owner';
import type { StateChangeOptions, StateChangeResult, StateOwnerRef } from './types';

/** Options of {@link rollbackState}. */
export interface RollbackStateOperationOptions extends StateChangeOptions {
  /** The stream to roll back. Required. */
  readonly stream: StreamRef;
  /**
   * A version number from the history, or a time: the version current at the end of that
   * millisecond (a `writtenAt` from the history selects its version). Required.
   */
  readonly to: number | Date;
}

/** What {@link rollbackState} did. */
export interface RollbackStateResult extends StateChangeResult {
  /** The new version, equal to the one rolled back to. */
  readonly written: StateHistoryEntry;
}

/**
 * `backend.restoreStateVersion` as an operation: in one transaction with the fencing of the owner's
 * connections, so a running sync cannot write its newer cursor over the rollback.
 */
export async function rollbackState(
  backend: SqlStateBackend,
  owner: StateOwnerRef,
  options: RollbackStateOperationOptions,
): Promise<RollbackStateResult> {
  const resolved = resolveOwner(backend, owner);
  await backend.migrate();
  return backend.fork().transactional(async (em) => {
    // Connections first, as commits lock them: the other order could deadlock with a commit.
    const fencedConnections = await fenceOwners(em, backend, [resolved], options, 'rollback');
    const written = await backend.restoreStateVersion(resolved.sourceName, {
      destinationName: resolved.destinationName,
      tablePrefix: resolved.tablePrefix,
      stream: options.stream,
      to: options.to,
      author: options.author,
      note: options.note,
      em,
    });
    return { written, fencedConnections };
  });
}
