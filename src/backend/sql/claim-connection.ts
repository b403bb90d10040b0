import type { SqlExecutor, StateTables } from './executor';

/**
 * Makes `owner` the run of `connectionId` and returns its fencing epoch: one more than the
 * previous owner's, so that commits of older runs are refused from now on. Claiming again with
 * the same owner (a retried activity) keeps the epoch. Waits for commits in flight to finish.
 */
export async function claimConnection(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  owner: string,
): Promise<number> {
  const claimed = (await db.execute(
    `insert into ${tables.connections} as c (connection_id, epoch, owner) values (?, 1, ?)
     on conflict (connection_id) do update
       set epoch = c.epoch + 1, owner = excluded.owner, claimed_at = clock_timestamp()
       where c.owner <> excluded.owner
     returning epoch`,
    [connectionId, owner],
    'all',
  )) as { epoch: string | number }[];
  if (claimed[0]) return Number(claimed[0].epoch);
  const current = (await db.execute(
    `select epoch from ${tables.connections} where connection_id = ?`,
    [connectionId],
    'all',
  )) as {
    epoch: string | number;
  }[];
  return Number(current[0]?.epoch);
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
