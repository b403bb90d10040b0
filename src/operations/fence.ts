import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { SqlExecutor } from '../backend/executor';
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
    for (const id of await backend.connections.ofOwner(historyOwner(owner), db)) ids.add(id);
  }
  return backend.connections.fence(
    db,
    [...ids],
    `state ${operation} by ${options.author ?? 'library'}`,
  );
}
