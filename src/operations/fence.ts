import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { SqlExecutor } from '../backend/sql/executor';
import { fenceConnections } from '../backend/sql/fence-connections';
import { selectOwnerConnections } from '../backend/sql/owner-connections';
import { historyOwner, type ResolvedOwner } from './owner';
import type { StateChangeOptions } from './types';

/**
 * Fences off the runs of every connection that committed state of `owners` (as the history
 * recorded) and of `options.connectionIds`, inside the caller's transaction. Returns them.
 */
export async function fenceOwners(
  db: SqlExecutor,
  backend: SqlStateBackend,
  owners: readonly ResolvedOwner[],
  options: StateChangeOptions,
  operation: string,
): Promise<string[]> {
  if (options.fence === false) return [];
  const ids = new Set(options.connectionIds ?? []);
  for (const owner of owners) {
    for (const id of await selectOwnerConnections(db, backend.tables, historyOwner(owner)))
      ids.add(id);
  }
  return fenceConnections(
    db,
    backend.tables,
    [...ids],
    `state ${operation} by ${options.author ?? 'library'}`,
  );
}
