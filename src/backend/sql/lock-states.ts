import type { SqlExecutor, StateTables } from './executor';
import type { StateSelection } from './select-states';

/** How {@link lockStates} locks: `update` for rows the caller will change, `share` to read them. */
export type StateLockMode = 'update' | 'share';

/**
 * Locks the state rows of one owner (as {@link StateSelection} selects them, without the stream
 * filter) until the transaction ends. It waits for writers in flight on those rows, so that the
 * caller's next statement reads what they committed, and keeps others from changing the rows
 * until the caller commits. Rows are locked in key order, as every locker should.
 */
export async function lockStates(
  db: SqlExecutor,
  tables: StateTables,
  owner: Omit<StateSelection, 'streams'>,
  mode: StateLockMode,
): Promise<void> {
  const lock = mode === 'update' ? 'for update' : 'for share';
  if (owner.destinationName !== undefined) {
    await db.execute(
      `select 1 from ${tables.destination}
        where destination_name = ? and source_name = ? and table_prefix = ?
        order by stream_namespace, stream_name ${lock}`,
      [owner.destinationName, owner.sourceName, owner.tablePrefix],
      'all',
    );
  } else {
    await db.execute(
      `select 1 from ${tables.cache}
        where source_name = ? and table_name = ? || stream_name
        order by stream_namespace, table_name ${lock}`,
      [owner.sourceName, owner.tablePrefix],
      'all',
    );
  }
}
