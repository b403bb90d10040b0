import { Client } from 'pg';
import { CHAOS_ACTIVITY_TIMEOUT_MS } from '../activity-timeouts';
import { LinkFaults } from '../link-faults';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { COMMIT_ACTIVITIES, isCommitPhase } from '../sync-path';
import { type ChaosConnection, sleep, SyncRun } from '../sync-run';
import { batchesPerStream, pickProgressPoints } from './batches';
import { NETWORK_TIMEOUTS } from './network-workers';

const title =
  'a worker host cut off for good in the middle of a commit transaction (frozen, its link down, never back)';

/** Open long polls per task kind of each worker: each one a dead host keeps can swallow a task. */
const POLLS = 2;

/**
 * How long the server may keep a dead host's transaction (and its row locks): the
 * idle-in-transaction timeout, plus 5 s for a loaded machine.
 */
export const LOCKS_RELEASED_WITHIN_MS = NETWORK_TIMEOUTS.idleInTransactionMs + 5000;

/**
 * The bound on how long a dead host's commit may hold up its batch, from the death to the batch
 * committed by another worker, when `deadPolls` long polls of dead workers are still open (each
 * dead worker's {@link POLLS}, until the server's long-poll timeout ends them): Temporal retries
 * the attempt after the activity's start-to-close timeout, and each open poll of a dead worker
 * may be handed a retry and lose it (one more timeout each, after backoffs of 1, 2, 4, … s, at
 * most 30 s); a retry that waits on the dead transaction's locks is cancelled by `statementMs`
 * (the locks go within {@link LOCKS_RELEASED_WITHIN_MS}); plus 10 s for a loaded 2-core machine.
 */
export function hostDiesBoundMs(deadPolls: number): number {
  let ms = NETWORK_TIMEOUTS.statementMs + 10_000;
  for (let i = 0; i <= deadPolls; i++)
    ms += CHAOS_ACTIVITY_TIMEOUT_MS + Math.min(2 ** i, 30) * 1000;
  return ms;
}

/**
 * (h) A machine dies mid-commit: the harness waits for a commit in flight on a worker (its
 * database link slowed a little so that the transaction is caught after its row locks), then
 * freezes the worker (SIGSTOP: no FIN, no RST) and takes its host off the network, for good.
 * PostgreSQL still holds that transaction's locks; the other workers' retries of the batch wait
 * on them. The sync must complete, and each dead host's batch must be committed by another
 * worker within {@link hostDiesBoundMs} of the dead workers' open polls.
 */
export const hostDies: Scenario = {
  name: 'host-dies',
  title,
  hosts: true,
  promise: `A worker host that dies in the middle of a commit transaction (never to come back) delays its batch by a bounded time: the server's idle-in-transaction timeout ends the dead session and frees its locks, another worker commits the batch, and the sync completes exactly.`,
  faults:
    'separate hosts; a worker frozen (SIGSTOP) and its host taken off the network mid-commit, for good, after its transaction took its row locks; one worker more than deaths',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const connection: ChaosConnection = { connectionId: 'host-dies', count: size.networkRecords };
    // Each death takes a worker for good: one more worker than deaths.
    const workers = Array.from({ length: size.hostDeaths + 1 }, (_, i) => `w${i + 1}`);
    const run = new SyncRun(ctx, 'host-dies', {
      workers: workers.map((name) => ({ name, killable: false, polls: POLLS })),
      connections: [connection],
      timeouts: NETWORK_TIMEOUTS,
    });
    const random = ctx.random.fork('deaths');
    const points = pickProgressPoints(
      random,
      batchesPerStream(connection, size.batchSize) * 3,
      size.hostDeaths,
    );
    const recoveries: number[] = [];
    const lockReleases: number[] = [];
    const bounds: number[] = [];
    const dead = new Set<string>();
    try {
      await run.begin();
      const faults = new LinkFaults(ctx, run, 20_000);
      const handle = await run.startSync(connection);
      let closed = false;
      const dying = (async () => {
        for (const [i, point] of points.entries()) {
          await run.untilBatches(point, () => closed);
          if (closed) return;
          // Any worker still alive but the last one: the first with a commit in flight dies.
          const mortal = workers.slice(0, -1).filter((w) => !dead.has(w));
          for (const w of mortal)
            await faults.network.slow(w, 'postgres', { latencyMs: 40, jitterMs: 0, rateKBps: 0 });
          const worker = await anyInCommit(run, mortal, 30_000, () => closed);
          // The dying one stays slow: its transaction is caught after its row lock.
          for (const w of mortal) if (w !== worker) await faults.network.unslow(w, 'postgres');
          if (!worker) {
            run.notes.push(
              `no worker had a commit in flight for 30 s: death ${i + 1} did not happen`,
            );
            continue;
          }
          dead.add(worker);
          await sleep(random.int(120, 400)); // past BEGIN and the checkpoint's row lock
          const pid = run.workers.pid(worker) ?? 0;
          process.kill(pid, 'SIGSTOP');
          await faults.network.isolate(worker, true);
          const died = Date.now();
          faults.record({ e: 'host died', worker, pid });
          const released = locksReleased(ctx.databaseUrl, `${run.appName}-${worker}`, died);
          const held = run.events
            .activities()
            .filter((e) => e.pid === pid && COMMIT_ACTIVITIES.includes(e.type) && e.e === 'start')
            .at(-1);
          const committed = () =>
            run.monitor.checkpoint(held?.connectionId ?? '', held?.stream ?? '') >=
            (held?.checkpoint ?? 0);
          while (!committed() && !closed) await sleep(50);
          const ms = Date.now() - died;
          recoveries.push(ms);
          const releasedMs = await released;
          lockReleases.push(releasedMs);
          if (releasedMs > LOCKS_RELEASED_WITHIN_MS)
            run.problems.push(
              `the server kept ${worker}'s transaction open ${releasedMs} ms after its host died; the bound is ${LOCKS_RELEASED_WITHIN_MS} ms`,
            );
          ctx.log(
            `host-dies: ${worker} died in its commit of ${held?.stream} checkpoint ${held?.checkpoint}; committed by another worker ${ms} ms later`,
          );
          // Every worker dead so far may still hold its open polls (long polls last about a minute).
          const bound = hostDiesBoundMs(POLLS * (i + 1));
          bounds.push(bound);
          if (ms > bound)
            run.problems.push(
              `${worker}'s batch ${held?.stream}/${held?.checkpoint} was committed ${ms} ms after its host died; the bound is ${bound} ms`,
            );
        }
      })();
      const outcome = await run.waitForSync(handle.workflowId);
      closed = true;
      await dying;
      run.expectCompleted(outcome);
      for (const worker of dead) await run.workers.retire(worker);
      run.figures.hostsLost = recoveries.length;
      if (recoveries.length < points.length)
        run.problems.push(
          `only ${recoveries.length} of ${points.length} hosts died: the sync ended first`,
        );
      run.notes.push(
        `${recoveries.length} worker hosts died mid-commit; the server ended their transactions after ${lockReleases.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} (bound ${LOCKS_RELEASED_WITHIN_MS / 1000} s); their batches were committed by another worker after ${recoveries.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} (bounds ${bounds.map((ms) => `${ms / 1000} s`).join(', ')}: an activity timeout of ${CHAOS_ACTIVITY_TIMEOUT_MS / 1000} s and its backoff for the retry and for each of the ${POLLS} open polls of every worker dead so far, which may each swallow one, and a statement timeout of ${NETWORK_TIMEOUTS.statementMs / 1000} s).`,
      );
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};

/**
 * Time from `since` until the server holds no open transaction of `appName` any more (the dead
 * host's session ended, its locks released), polled on the checker's own connection.
 */
async function locksReleased(url: string, appName: string, since: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `select count(*)::text as n from pg_stat_activity
          where application_name = $1 and xact_start is not null`,
        [appName],
      );
      if (Number(rows[0]?.n) === 0 || Date.now() - since > 120_000) return Date.now() - since;
      await sleep(100);
    }
  } finally {
    await client.end();
  }
}

/** The first of `workers` seen with a commit in flight, waited for up to `withinMs`. */
async function anyInCommit(
  run: SyncRun,
  workers: readonly string[],
  withinMs: number,
  done: () => boolean,
): Promise<string | undefined> {
  const until = Date.now() + withinMs;
  while (Date.now() < until && !done()) {
    const found = workers.find((w) =>
      run.events.inFlight(run.workers.pid(w) ?? 0).some(isCommitPhase),
    );
    if (found) return found;
    await sleep(2);
  }
  return undefined;
}
