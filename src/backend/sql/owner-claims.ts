import type { SqlExecutor, StateTables } from './executor';

/** Whose state: a source, at a destination (`''`: the cache), under a table prefix. */
export interface ClaimOwner {
  readonly sourceName: string;
  readonly destinationName: string;
  readonly tablePrefix: string;
}

/** A connection whose runs sync the state of an owner, and its current epoch. */
export interface OwnerClaim {
  readonly connectionId: string;
  readonly epoch: number;
}

/**
 * The connections whose last claim was for `owner`'s state, locked against a new claim until the
 * transaction ends (as a commit locks its own connection), so that a write checked against them
 * cannot interleave with a run that starts meanwhile (`update` when the caller will fence them).
 */
export async function lockOwnerClaims(
  db: SqlExecutor,
  tables: StateTables,
  owner: ClaimOwner,
  lock: 'share' | 'update',
): Promise<OwnerClaim[]> {
  const rows = (await db.execute(
    `select connection_id, epoch from ${tables.connections}
      where source_name = ? and destination_name = ? and table_prefix = ?
      order by connection_id for ${lock === 'update' ? 'update' : 'share'}`,
    [owner.sourceName, owner.destinationName, owner.tablePrefix],
    'all',
  )) as { connection_id: string; epoch: string | number }[];
  return rows.map((row) => ({ connectionId: row.connection_id, epoch: Number(row.epoch) }));
}
