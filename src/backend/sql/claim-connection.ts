import type { SqlExecutor, StateTables } from './executor';
import type { ClaimOwner } from './owner-claims';

/**
 * Makes `owner` the run of `connectionId` and returns its fencing epoch: one more than the
 * previous owner's, so that commits of older runs are refused from now on. Claiming again with
 * the same owner (a retried activity) keeps the epoch. Records whose state the run syncs, so that
 * state writes that do not carry its claim can be refused. Waits for commits in flight to finish.
 */
export async function claimConnection(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  owner: string,
  stateOwner: ClaimOwner,
): Promise<number> {
  const claimed = (await db.execute(
    `insert into ${tables.connections} as c
       (connection_id, epoch, owner, source_name, destination_name, table_prefix)
     values (?, 1, ?, ?, ?, ?)
     on conflict (connection_id) do update
       set epoch = case when c.owner = excluded.owner then c.epoch else c.epoch + 1 end,
           claimed_at = case when c.owner = excluded.owner then c.claimed_at else clock_timestamp() end,
           owner = excluded.owner, source_name = excluded.source_name,
           destination_name = excluded.destination_name, table_prefix = excluded.table_prefix
     returning epoch`,
    [
      connectionId,
      owner,
      stateOwner.sourceName,
      stateOwner.destinationName,
      stateOwner.tablePrefix,
    ],
    'all',
  )) as { epoch: string | number }[];
  return Number(claimed[0]?.epoch);
}

/**
 * The current epoch of `connectionId`, locked against a concurrent claim until the transaction
 * ends (so a commit that passed this check cannot interleave with a newer run's claim).
 */
export async function lockConnectionEpoch(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
): Promise<number | undefined> {
  const rows = (await db.execute(
    `select epoch from ${tables.connections} where connection_id = ? for share`,
    [connectionId],
    'all',
  )) as {
    epoch: string | number;
  }[];
  return rows[0] ? Number(rows[0].epoch) : undefined;
}
