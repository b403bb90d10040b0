import type { ClearedStreamState } from '../backend/clear-states';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { StreamRef } from '../backend/state-provider';
import { fenceOwners } from './fence';
import { resolveOwner } from './owner';
import type { StateChangeOptions, StateChangeResult, StateOwnerRef } from './types';

/** Options of {@link clearState}. */
export interface ClearStateOperationOptions extends StateChangeOptions {
  /** Only these streams (`_GLOBAL` / `_LEGACY` for those kinds). Default: every stream. */
  readonly streams?: readonly StreamRef[];
}

/** What {@link clearState} did. */
export interface ClearStateResult extends StateChangeResult {
  /** The state it removed, one entry per stream, with the version that records the clear. */
  readonly removed: ClearedStreamState[];
}

/**
 * Deletes an owner's state rows (every stream, or `streams`), in one transaction with their
 * clear versions in the history and the fencing of the owner's connections. It never writes
 * empty state, and leaves the connections' checkpoint numbers alone: the next sync of the
 * connection finds no state for those streams and reads them from scratch, while its commits
 * keep counting up, so an old retried commit still cannot pass for a new one.
 */
export async function clearState(
  backend: SqlStateBackend,
  owner: StateOwnerRef,
  options: ClearStateOperationOptions = {},
): Promise<ClearStateResult> {
  const resolved = resolveOwner(backend, owner);
  await backend.migrate();
  try {
    return await backend.fork().transactional(async (em) => {
      // Connections first, as commits lock them: the other order could deadlock with a commit.
      const fencedConnections = await fenceOwners(em, backend, [resolved], options, 'clear');
      const removed = await backend.clearStateRows(resolved.sourceName, {
        destinationName: resolved.destinationName,
        tablePrefix: resolved.tablePrefix,
        streams: options.streams,
        author: options.author,
        note: options.note,
        em,
      });
      if (removed.length === 0) throw NOTHING_TO_CLEAR; // nothing changed: undo the fencing too
      return { removed, fencedConnections };
    });
  } catch (error) {
    if (error === NOTHING_TO_CLEAR) return { removed: [], fencedConnections: [] };
    throw error;
  }
}

/** Rolls back a clear that found nothing to remove. */
const NOTHING_TO_CLEAR = new Error('nothing to clear');
