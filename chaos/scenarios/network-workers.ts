import type { ConnectionTimeouts } from '../../src/backend/options';
import { COMMIT_ACTIVITY } from '../sync-path';
import { sleep, type SyncRun } from '../sync-run';

/**
 * The workers' connection timeouts in the network scenarios: short, since the chaos activities
 * time out after 4 s (activity-timeouts.ts), so that a lost link costs seconds, not minutes.
 */
export const NETWORK_TIMEOUTS = {
  statementMs: 3000,
  idleInTransactionMs: 5000,
  readMs: 4000,
  connectMs: 2000,
  keepAliveMs: 5000,
} as const satisfies ConnectionTimeouts;

/**
 * True once `worker` has a commit in flight (from its events), waiting up to `withinMs`; a
 * fault started right then lands inside that commit.
 */
export async function workerInCommit(
  run: SyncRun,
  worker: string,
  withinMs: number,
  done: () => boolean,
): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until && !done()) {
    const pid = run.workers.pid(worker);
    if (pid !== undefined && run.events.inFlight(pid).includes(COMMIT_ACTIVITY)) return true;
    await sleep(2);
  }
  return false;
}
