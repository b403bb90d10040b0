import type { SqlExecutor, StateTables } from './executor';

/**
 * Makes one activity attempt of a run the owner of `connectionId` and returns its new epoch, so
 * that commits of earlier attempts of the same run (a worker presumed dead that still runs) are
 * refused from now on. Only the run itself (`runOwner`, as `claimConnection` recorded it) or an
 * earlier attempt of it may be superseded: returns `undefined` when a newer run or a later attempt
 * owns the connection. The owner becomes `runOwner#attempt`.
 */
export async function claimConnectionAttempt(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  runOwner: string,
  attempt: number,
): Promise<number | undefined> {
  const prefix = `${runOwner}#`;
  const rows = (await db.execute(
    `update ${tables.connections} as c
        set epoch = c.epoch + 1, owner = ?, claimed_at = clock_timestamp()
      where c.connection_id = ?
        and (c.owner = ?
          or (starts_with(c.owner, ?)
            and case when substr(c.owner, ?) ~ '^[0-9]{1,9}$' then substr(c.owner, ?)::int < ? else false end))
      returning epoch`,
    [
      `${prefix}${attempt}`,
      connectionId,
      runOwner,
      prefix,
      prefix.length + 1,
      prefix.length + 1,
      attempt,
    ],
    'all',
  )) as { epoch: string | number }[];
  return rows[0] ? Number(rows[0].epoch) : undefined;
}
