/**
 * The harness's kills: SIGKILL a killable worker at random moments, drawn from the seed. Each
 * kill is planned at a random point of the sync's progress (batches committed, within its first
 * half, so that the planned kills land before the sync ends), at least one batch after the
 * previous kill, plus a random delay. A share of
 * the kills (`aimedShare`) are aimed: from that moment they wait for a commit in flight on a killable worker and
 * kill that worker, so they land before, inside or just after a commit's transaction (idle
 * moments would rarely do). The others kill one of the least-killed killable workers that are up.
 * Each kill notes where it landed, from the worker's events.
 */
import type { SeededRandom } from './random';
import { isCommitPhase } from './sync-path';
import { sleep, type SyncRun } from './sync-run';

/**
 * How long an aimed kill waits for a commit in flight before it kills anyway, in ms: longer than
 * the chaos activity timeout (4 s), so that after a kill the retried batch can come round (a
 * syncBatch's commit is a short part of it; with 1 s, a third of the aimed kills missed).
 */
const AIM_TIMEOUT_MS = 6000;

/** One kill by the harness. */
export interface HarnessKill {
  readonly worker: string;
  readonly pid: number;
  /** The phase in flight (`syncBatch: commit`, `syncBatch: read`, `startSync`, … see EventLog.inFlight), or `between activities`. */
  readonly phase: string;
  readonly t: number;
}

/** Options of {@link killAtRandom}. */
export interface KillScheduleOptions {
  /** How many kills. */
  readonly kills: number;
  /** Batches the whole sync commits. */
  readonly totalBatches: number;
  /** Longest random delay of a kill after its point of progress, in ms. */
  readonly maxDelayMs: number;
  readonly random: SeededRandom;
  /** Share of the kills aimed at a commit in flight. */
  readonly aimedShare: number;
  /** True once the sync is over: no more kills. */
  readonly done: () => boolean;
}

/** Kills workers of `run` at random moments until `kills` kills or the sync is over. */
export async function killAtRandom(
  run: SyncRun,
  options: KillScheduleOptions,
): Promise<HarnessKill[]> {
  // Draw the whole schedule up front, so that it does not depend on how the run goes.
  const last = Math.max(options.kills, Math.floor(options.totalBatches / 2));
  const schedule = options.random.sample(options.kills, 1, last).map((point) => ({
    point,
    delay: options.random.int(0, options.maxDelayMs),
    pick: options.random.next(),
    aimed: options.random.next() < options.aimedShare,
  }));
  const kills: HarnessKill[] = [];
  let progress = 0;
  for (const planned of schedule) {
    // At its point, and at least one batch after the previous kill: not again and again at start-up.
    await run.untilBatches(Math.max(planned.point, progress + 1), options.done);
    if (options.done()) break;
    await sleep(planned.delay);
    // A worker may die on its own meanwhile (a kill after a commit): then choose again.
    let kill: HarnessKill | undefined;
    while (!kill && !options.done()) kill = await killOne(run, planned, kills, options);
    if (kill) {
      kills.push(kill);
      run.recordKill({ ...kill, aimed: planned.aimed, point: planned.point });
    }
    progress = run.monitor.committedBatches();
  }
  return kills;
}

/** Tallies kills by phase. */
export function killsByPhase(kills: readonly HarnessKill[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const kill of kills) tally[kill.phase] = (tally[kill.phase] ?? 0) + 1;
  return tally;
}

/** Kills one worker as planned; undefined when the chosen process exited first. */
async function killOne(
  run: SyncRun,
  planned: { pick: number; aimed: boolean },
  kills: readonly HarnessKill[],
  options: KillScheduleOptions,
): Promise<HarnessKill | undefined> {
  let target = planned.aimed ? await workerInCommit(run, options.done) : undefined;
  if (!target) {
    let up = run.workers.killableUp();
    while (up.length === 0 && !options.done()) {
      await sleep(50);
      up = run.workers.killableUp();
    }
    if (options.done()) return undefined;
    const times = (name: string) => kills.filter((k) => k.worker === name).length;
    const fewest = Math.min(...up.map(times));
    const candidates = up.filter((name) => times(name) === fewest);
    target = candidates[Math.floor(planned.pick * candidates.length)];
  }
  const pid = target === undefined ? undefined : run.workers.pid(target);
  if (target === undefined || pid === undefined || options.done()) return undefined;
  const phase = phaseOf(run.events.inFlight(pid));
  if (!(await run.workers.kill(target, pid))) return undefined;
  return { worker: target, pid, phase, t: Date.now() };
}

/** A killable worker with a commit in flight, waited for up to {@link AIM_TIMEOUT_MS}. */
async function workerInCommit(run: SyncRun, done: () => boolean): Promise<string | undefined> {
  const until = Date.now() + AIM_TIMEOUT_MS;
  while (Date.now() < until && !done()) {
    const found = run.workers
      .killableUp()
      .find((name) => run.events.inFlight(run.workers.pid(name) ?? 0).some(isCommitPhase));
    if (found) return found;
    await sleep(2);
  }
  return undefined;
}

/** Where a kill lands: the phase in flight (a commit first, see EventLog.inFlight), or between activities. */
function phaseOf(inFlight: readonly string[]): string {
  return inFlight.find(isCommitPhase) ?? inFlight[0] ?? 'between activities';
}
