import type { ActivityEvent } from '../events';
import { LinkFaults } from '../link-faults';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { COMMIT_ACTIVITIES, READ_PHASE } from '../sync-path';
import { type ChaosConnection, sleep, SyncRun } from '../sync-run';
import { NETWORK_TIMEOUTS, workerInCommit } from './network-workers';

const title =
  'a worker cut off from Temporal mid-commit while its commit is held in the network; Temporal gives the batch to another worker; then the held commit lands';

/** Each read's extra time, in ms (a slow source API): long enough for a hold to land inside it. */
const READ_DELAY_MS = 300;

/**
 * Longest wait for the other worker to move the stream past the held commit, in ms. Each
 * activity poll the cut-off worker had open still takes a task, which then waits for its 4 s
 * timeout and a retry backoff that doubles (1 s, 2 s, 4 s, …): five swallowed tasks of one stream
 * cost about 50 s, and a CI run once healed at 40 s with the stream not yet past the held batch.
 */
const MOVE_ON_WITHIN_MS = 90_000;

/**
 * The zombie worker's connection timeouts: its held commit must outlive the longest hold
 * ({@link MOVE_ON_WITHIN_MS}, plus a margin), or the server's idle-in-transaction timeout and the
 * client's read timeout end it before it lands (a round with nothing to refuse; at 60 s, one
 * round in four or so ended that way).
 */
const ZOMBIE_TIMEOUTS = {
  ...NETWORK_TIMEOUTS,
  idleInTransactionMs: MOVE_ON_WITHIN_MS + 30_000,
  readMs: MOVE_ON_WITHIN_MS + 30_000,
};

/** Rounds added when the planned ones saw no held commit land (see the rounds loop). */
const EXTRA_ROUNDS = 2;

/**
 * (g) The real zombie. Two workers on hosts of their own. At planned points the harness slows
 * one worker's database link a little, waits for a syncBatch of it to be inside its read or
 * inside its commit (in turn), and then at once
 * holds that link (nothing gets through, nothing is lost) and cuts the worker's link to Temporal.
 * Temporal times the attempt out and gives the batch to the other worker, which commits it and
 * moves the stream on; then the hold ends and the zombie's transaction reaches PostgreSQL late.
 * The fencing must refuse it (StaleCheckpoint) with no row written; the refusals are counted.
 */
export const temporalPartition: Scenario = {
  name: 'temporal-partition',
  title,
  hosts: true,
  promise:
    "A worker cut off from Temporal keeps running its commit while Temporal gives the batch to another worker: when the cut-off worker's commit lands late it is refused, leaves no row behind, and the sync completes exactly.",
  faults:
    "separate hosts; a worker's link to Temporal black-holed and its link to PostgreSQL held while its syncBatch is inside the read or inside the commit (in turn), until another worker has committed past that batch; then the held commit lands; two workers",
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const connection: ChaosConnection = {
      connectionId: 'temporal-partition',
      count: size.zombieRecords,
    };
    const run = new SyncRun(ctx, 'temporal-partition', {
      workers: [
        { name: 'w1', killable: false, readDelayMs: READ_DELAY_MS },
        { name: 'w2', killable: false, readDelayMs: READ_DELAY_MS },
      ],
      connections: [connection],
      timeouts: ZOMBIE_TIMEOUTS,
      expectStaleCommits: true,
    });
    const random = ctx.random.fork('zombies');
    // The hold lands inside a read or inside a commit, in turn (the first drawn from the seed).
    // Each round starts a few batches (drawn from the seed) after the previous one ended: points
    // fixed in advance bunch up behind a long round, and the sync can end before the last ones.
    const first = random.int(0, 1);
    const plan = Array.from({ length: size.zombieRounds }, (_, i) => ({
      gap: random.int(1, 4),
      worker: random.pick(['w1', 'w2']),
      during: (i + first) % 2 === 0 ? ('read' as const) : ('commit' as const),
    }));
    const outcomes: string[] = [];
    try {
      await run.begin();
      const faults = new LinkFaults(ctx, run, 20_000);
      const handle = await run.startSync(connection);
      let closed = false;
      const rounds = (async () => {
        // A held attempt may stop on its own before its commit lands (its heartbeat timeout
        // cancels it: nothing to refuse, and safe); then up to EXTRA_ROUNDS more rounds, so that
        // a run of few rounds still sees a zombie land.
        const extra = Array.from({ length: plan.length > 0 ? EXTRA_ROUNDS : 0 }, (_, i) => ({
          ...plan[i % plan.length]!,
          extra: true,
        }));
        for (const round of [...plan, ...extra]) {
          if ('extra' in round && outcomes.some((o) => o.startsWith('refused'))) return;
          const point = run.monitor.committedBatches() + round.gap;
          await run.untilBatches(point, () => closed);
          if (closed) return;
          const landed = await zombieRound(run, faults, round.worker, round.during, () => closed);
          outcomes.push(`${landed}, held from inside its ${round.during}`);
          ctx.log(`temporal-partition: ${round.worker} after ${point} batches: ${outcomes.at(-1)}`);
        }
      })();
      const outcome = await run.waitForSync(handle.workflowId);
      closed = true;
      await rounds;
      run.expectCompleted(outcome);
      run.figures.partitions = faults.partitions;
      const refused = outcomes.filter((o) => o.startsWith('refused')).length;
      if (outcomes.length < plan.length)
        run.problems.push(
          `only ${outcomes.length} of ${plan.length} zombie rounds: the sync ended first`,
        );
      if (plan.length > 0 && refused === 0)
        run.problems.push(
          `no zombie commit was refused in ${outcomes.length} rounds: ${outcomes.join('; ')}`,
        );
      run.notes.push(
        `${outcomes.length} zombie rounds, ${refused} held commits refused when they landed: ${outcomes.join('; ')}.`,
      );
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};

/**
 * One round; returns what became of the held commit: `refused`, `already committed` (it landed
 * when the stream had just reached it), `committed first` (the other worker's retry found it
 * committed), `failed` (its connection ended first), or `no commit to hold`.
 */
async function zombieRound(
  run: SyncRun,
  faults: LinkFaults,
  worker: string,
  during: 'read' | 'commit',
  done: () => boolean,
): Promise<string> {
  const network = faults.network;
  // 150 ms each way: the commit's BEGIN and first statements take long enough that the hold,
  // made as soon as the harness sees the commit start, lands before its row lock (even when the
  // harness is slow to react on a loaded machine); caught after the lock, the held commit
  // lands first and the other worker's retry finds it committed (counted, not refused).
  await network.slow(worker, 'postgres', { latencyMs: 150, jitterMs: 0, rateKBps: 0 });
  try {
    const phase = during === 'read' ? (p: string) => p === READ_PHASE : undefined;
    if (!(await workerInCommit(run, worker, 15_000, done, phase))) return 'no commit to hold';
    await faults.cut(worker, 'postgres', 'hold');
    await faults.cut(worker, 'temporal', 'blackhole');
    const pid = run.workers.pid(worker) ?? 0;
    // Every batch the worker has in flight is held (the link is), not only the one aimed at.
    const events = run.events.activities();
    const inFlight = events.filter(
      (e) =>
        e.pid === pid &&
        COMMIT_ACTIVITIES.includes(e.type) &&
        e.e === 'start' &&
        !events.some(
          (o) =>
            (o.e === 'end' || o.e === 'fail') &&
            o.pid === pid &&
            o.activityId === e.activityId &&
            o.runId === e.runId &&
            o.attempt === e.attempt,
        ),
    );
    const held = inFlight.at(-1);
    // Until other workers have committed past every held batch (or the time is up): only then is
    // a row of those batches written after the release (zombie-check.ts) the zombie's.
    const deadline = Date.now() + MOVE_ON_WITHIN_MS;
    const movedOn = () =>
      inFlight.every(
        (e) => run.monitor.checkpoint(e.connectionId ?? '', e.stream ?? '') > (e.checkpoint ?? 0),
      );
    while (Date.now() < deadline && !done() && !movedOn()) await sleep(50);
    await faults.heal(worker, 'postgres');
    const landed = await outcomeOf(run, held);
    await faults.heal(worker, 'temporal');
    return landed;
  } finally {
    await network.unslow(worker, 'postgres');
  }
}

/** How the held attempt ended, waited for up to 20 s after the heal. */
async function outcomeOf(run: SyncRun, held: ActivityEvent | undefined): Promise<string> {
  if (!held) return 'no commit to hold';
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const end = run.events
      .activities()
      .find(
        (e) =>
          (e.e === 'end' || e.e === 'fail') &&
          e.pid === held.pid &&
          e.activityId === held.activityId &&
          e.runId === held.runId &&
          e.attempt === held.attempt,
      );
    const what = `${held.stream} checkpoint ${held.checkpoint}`;
    if (end?.e === 'fail' && end.error?.type === 'StaleCheckpoint') return `refused (${what})`;
    if (end?.e === 'fail') return `failed (${what}: ${end.error?.message.slice(0, 80)})`;
    if (end?.status === 'alreadyCommitted') return `already committed (${what})`;
    if (end?.status === 'committed') return `committed first (${what})`;
    await sleep(100);
  }
  return 'no outcome within 20 s';
}
