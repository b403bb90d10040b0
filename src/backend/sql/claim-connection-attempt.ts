import { InvalidInputError } from '../../errors';
import type { SqlExecutor, StateTables } from './executor';

/** Where one activity attempt stands among those of its run: its call, then its attempt. */
export interface AttemptOrder {
  /** The call within the run (e.g. the activity id, a sequence number); grows from call to call. */
  readonly invocation: number;
  /** The attempt of that call, from 1. */
  readonly attempt: number;
}

/**
 * Makes one activity attempt of a run the owner of `connectionId` and returns its new epoch, so
 * that commits of earlier calls and attempts of the same run (a worker presumed dead that still
 * runs) are refused from now on. Only the run itself (`runOwner`, as `claimConnection` recorded
 * it) or an earlier (call, attempt) of it may be superseded: returns `undefined` when a newer run,
 * a later call or a later attempt owns the connection. The owner becomes
 * `runOwner#invocation.attempt`.
 */
export async function claimConnectionAttempt(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  runOwner: string,
  order: AttemptOrder,
): Promise<number | undefined> {
  checkOrder('invocation', order.invocation);
  checkOrder('attempt', order.attempt);
  const prefix = `${runOwner}#`;
  // The owner's tail after `run#` compares as an array, (call, attempt) in that order. A tail of
  // one number is the attempt of the format before calls were numbered (one call per run): a
  // claim by a later version of the same run takes over from it.
  const rows = (await db.execute(
    `update ${tables.connections} as c
        set epoch = c.epoch + 1, owner = ?, claimed_at = clock_timestamp()
      where c.connection_id = ?
        and (c.owner = ?
          or (starts_with(c.owner, ?)
            and case
              when substr(c.owner, ?) ~ '^[0-9]{1,15}[.][0-9]{1,9}$'
                then string_to_array(substr(c.owner, ?), '.')::bigint[] < array[?, ?]::bigint[]
              when substr(c.owner, ?) ~ '^[0-9]{1,9}$' then true
              else false end))
      returning epoch`,
    [
      `${prefix}${order.invocation}.${order.attempt}`,
      connectionId,
      runOwner,
      prefix,
      prefix.length + 1,
      prefix.length + 1,
      order.invocation,
      order.attempt,
      prefix.length + 1,
    ],
    'all',
  )) as { epoch: string | number }[];
  return rows[0] ? Number(rows[0].epoch) : undefined;
}

/** Caps match the owner pattern above: a call below 10^15, an attempt below 10^9. */
function checkOrder(option: 'invocation' | 'attempt', value: number): void {
  const max = option === 'invocation' ? 999_999_999_999_999 : 999_999_999;
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    throw new InvalidInputError(option, `a whole number from 1 to ${max}`, String(value));
}
