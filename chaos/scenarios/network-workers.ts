import type { ConnectionTimeouts } from '../../src/backend/options';
import { isCommitPhase } from '../sync-path';
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
 * True once `worker` has a commit in flight (from its events; or another phase that `phase`
 * accepts, e.g. READ_PHASE), waiting up to `withinMs`; a fault started right then lands inside it.
 */
export async function workerInCommit(
  run: SyncRun,
  worker: string,
  withinMs: number,
  done: () => boolean,
  phase: (phase: string) => boolean = isCommitPhase,
): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until && !done()) {
    const pid = run.workers.pid(worker);
    if (pid !== undefined && run.events.inFlight(pid).some(phase)) return true;
    await sleep(2);
  }
  return false;
}
