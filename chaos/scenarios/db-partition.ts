import { LinkFaults } from '../link-faults';
import type { CutKind } from '../hosts/network';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, sleep, SyncRun } from '../sync-run';
import { batchesPerStream, pickProgressPoints } from './batches';
import { NETWORK_TIMEOUTS, workerInCommit } from './network-workers';

const title =
  "a worker's link to PostgreSQL cut at random moments (also while a commit is in flight), longer than the driver's timeouts, then healed";

/** The ways a link is cut, in turn: a lost answer (the ambiguous commit) comes first. */
const KINDS: readonly CutKind[] = ['answers', 'hold', 'blackhole', 'reset'];

/**
 * (f) Two workers on hosts of their own; the harness cuts one worker's link to PostgreSQL at
 * planned points of the sync, two thirds of the time the moment a commit is in flight on it, for
 * 1–2× the driver's read timeout, then heals it. A commit whose COMMIT landed but whose answer
 * was lost must be found `alreadyCommitted` by its retry; nothing may be lost or doubled, and
 * after each heal no worker may hold more connections than its pool.
 */
export const dbPartition: Scenario = {
  name: 'db-partition',
  title,
  hosts: true,
  promise:
    "A worker cut off from PostgreSQL, at any moment and for longer than the driver's timeouts, only delays the sync: a commit whose answer was lost is found already committed by its retry, and once the link heals no connection is left open beyond the pool.",
  faults:
    "separate hosts; a worker's link to PostgreSQL cut (in turn: answers lost, held then delivered, black-holed, reset) at planned points, two thirds of them the moment a commit is in flight, for 0.5–2× the driver's read timeout, then healed; two workers",
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const connection: ChaosConnection = {
      connectionId: 'db-partition',
      count: size.networkRecords,
    };
    const run = new SyncRun(ctx, 'db-partition', {
      workers: [
        { name: 'w1', killable: false },
        { name: 'w2', killable: false },
      ],
      connections: [connection],
      timeouts: NETWORK_TIMEOUTS,
    });
    const random = ctx.random.fork('partitions');
    const points = pickProgressPoints(
      random,
      batchesPerStream(connection, size.batchSize) * 3,
      size.partitions,
    );
    const plan = points.map((point, i) => ({
      point,
      worker: random.pick(['w1', 'w2']),
      kind: KINDS[i % KINDS.length] as CutKind,
      aimed: random.next() < 2 / 3,
      downMs: random.int(NETWORK_TIMEOUTS.readMs / 2, NETWORK_TIMEOUTS.readMs * 2),
    }));
    try {
      await run.begin();
      const faults = new LinkFaults(ctx, run, SETTLE_WITHIN_MS);
      // A little latency on every database link: a commit takes long enough to be cut inside.
      for (const worker of ['w1', 'w2'])
        await faults.network.slow(worker, 'postgres', { latencyMs: 15, jitterMs: 5, rateKBps: 0 });
      const handle = await run.startSync(connection);
      let closed = false;
      let inCommit = 0;
      const cutting = (async () => {
        for (const cut of plan) {
          await run.untilBatches(cut.point, () => closed);
          if (closed) return;
          if (cut.aimed && (await workerInCommit(run, cut.worker, 3000, () => closed))) inCommit++;
          await faults.cut(cut.worker, 'postgres', cut.kind);
          ctx.log(
            `db-partition: ${cut.kind} cut of ${cut.worker}'s database link after ${cut.point} batches${cut.aimed ? ' (aimed at a commit)' : ''}, ${cut.downMs} ms`,
          );
          await sleep(cut.downMs);
          await faults.heal(cut.worker, 'postgres');
        }
      })();
      const outcome = await run.waitForSync(handle.workflowId);
      closed = true;
      await cutting;
      run.expectCompleted(outcome);
      run.figures.partitions = faults.partitions;
      if (faults.partitions < plan.length)
        run.problems.push(
          `only ${faults.partitions} of ${plan.length} partitions: the sync ended first`,
        );
      run.notes.push(
        `${faults.partitions} database links cut (${KINDS.join(', ')} in turn), ${inCommit} of them while a commit was in flight on that worker; connections settled within ${faults.slowestSettleMs} ms of each heal.`,
      );
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};

/** How long after a heal the workers may hold more connections than their pool. */
const SETTLE_WITHIN_MS = 15_000;
