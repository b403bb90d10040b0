import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivityEvent, FaultPoint } from '../events';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, sleep, SyncRun, type SyncOutcome, tablePrefix } from '../sync-run';
import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
import { batchKey } from '../worker-faults';
import { batchesPerStream } from './batches';

const title =
  'two runs of one connection at once: a second workflow id, and a zombie commit of an older run';

/** How a zombie may end: refused by the fence, or cancelled (its heartbeat found its run gone). */
export const ZOMBIE_OUTCOMES: readonly string[] = ['StaleCheckpoint', 'CancelledFailure'];

/** How long a zombie may take to wake and be refused, in ms. */
const ZOMBIE_TIMEOUT_MS = 60_000;

/**
 * (e) Fencing, in the style of Kafka's exactly-once tests: every record carries a sequence
 * number (its id, 1..count) and the check asserts each exactly once. Each round races two runs
 * of one connection: a second workflow id started on purpose while the first runs (with another
 * batch size, so the two runs' batches cannot line up), and a zombie: a syncBatch of a run that
 * stalls inside its read or between its read and its commit, its run terminated and a new run
 * started, then wakes; its commit must be refused by the fence.
 */
export const fencing: Scenario = {
  name: 'fencing',
  title,
  promise:
    "Two runs of one connection cannot both commit: the older run's commit fails with a non-retryable StaleCheckpoint (or, when its heartbeat learns that its run is gone, it stops before committing), so state never moves backwards and no record is written over by a stale run.",
  faults:
    'two runs of one connection at once: a second workflow id started on purpose while the first runs (with another batch size), and a zombie: a syncBatch that stalls inside its read or between its read and its commit (in turn) while its run is terminated and a new run takes over (and commits past it), then wakes',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const random = ctx.random.fork('fencing');
    // The zombie stalls inside its read or between its read and its commit, in turn.
    const first = random.int(0, 1);
    const rounds = Array.from({ length: size.fencingRounds }, (_, i) => {
      const rival: ChaosConnection = {
        connectionId: `fencing-rival-${i + 1}`,
        count: size.smallRecords,
      };
      const zombie: ChaosConnection = {
        connectionId: `fencing-zombie-${i + 1}`,
        count: size.smallRecords,
      };
      const perStream = batchesPerStream(zombie, size.batchSize);
      const stream = random.pick(SAMPLE_STREAM_NAMES);
      return {
        rival,
        rivalAfter: random.int(1, Math.max(1, Math.floor((perStream * 3) / 4))),
        zombie,
        stall: {
          batch: batchKey(zombie.connectionId, stream, random.int(2, Math.max(2, perStream))),
          at: (i + first) % 2 === 0 ? ('read' as const) : ('afterRead' as const),
          releaseFile: join(ctx.dir, `release-zombie-${i + 1}`),
        },
      };
    });
    const stalls = rounds.map((r) => r.stall);
    const run = new SyncRun(ctx, 'fencing', {
      workers: [
        { name: 'w1', killable: false, stalls },
        { name: 'w2', killable: false, stalls },
      ],
      connections: rounds.flatMap((r) => [r.rival, r.zombie]),
      expectStaleCommits: true,
    });
    try {
      await run.begin();
      for (const round of rounds) {
        await rivalRound(ctx, run, round.rival, round.rivalAfter);
        await zombieRound(ctx, run, round.zombie, round.stall);
      }
      const refused = run.events
        .activities()
        .filter((e) => e.e === 'fail' && e.error?.type === 'StaleCheckpoint');
      for (const failure of refused) {
        if (failure.error?.retryable)
          run.problems.push(`a StaleCheckpoint of ${failure.workflowId} was retryable`);
        if (retriedAfter(run.events.activities(), failure))
          run.problems.push(`the refused commit of ${failure.workflowId} was retried`);
      }
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};

/** A first run, and a second workflow id started on purpose once the first committed `after` batches. */
async function rivalRound(
  ctx: ScenarioContext,
  run: SyncRun,
  connection: ChaosConnection,
  after: number,
): Promise<void> {
  const first = await run.startSync(connection);
  const deadline = Date.now() + ctx.size.syncTimeoutMs;
  await run.untilBatches(after, () => Date.now() > deadline, connection.connectionId);
  // Another batch size: a commit of one run can never pass for a retry of the other's.
  const second = await run.startRival(
    connection,
    `${first.workflowId}-second`,
    Math.max(1, Math.round((ctx.size.batchSize * 3) / 5)),
  );
  const outcomes = await Promise.all([
    run.waitForSync(first.workflowId),
    run.waitForSync(second.workflowId),
  ]);
  ctx.log(
    `fencing: ${connection.connectionId}: second run started after ${after} batches; ` +
      outcomes
        .map((o) => `${o.workflowId} ${o.status}${o.failureType ? ` (${o.failureType})` : ''}`)
        .join(', '),
  );
  // Whichever claimed last (a continue-as-new claims again) completes; the other is fenced off.
  const completed = outcomes.filter((o) => o.status === 'COMPLETED');
  const fenced = outcomes.filter(isFencedOff);
  if (completed.length !== 1 || fenced.length !== 1)
    run.problems.push(
      `${connection.connectionId}: expected one run completed and one failed with a non-retryable StaleCheckpoint, got ` +
        outcomes.map(describe).join('; '),
    );
  else
    run.notes.push(
      `${connection.connectionId}: ${fenced[0]?.workflowId} was fenced off: ${fenced[0]?.failureMessage}`,
    );
}

/** A run whose commit stalls; the run is terminated, a new run takes over, then the zombie wakes. */
async function zombieRound(
  ctx: ScenarioContext,
  run: SyncRun,
  connection: ChaosConnection,
  stall: { batch: string; at: FaultPoint; releaseFile: string },
): Promise<void> {
  const older = await run.startSync(connection);
  const stalled = await waitForEvent(run, (e) => e.e === 'stall' && batchKeyOf(e) === stall.batch);
  if (!stalled) {
    run.problems.push(`${connection.connectionId}: the commit of ${stall.batch} never stalled`);
    writeFileSync(stall.releaseFile, '');
    run.expectCompleted(await run.waitForSync(older.workflowId));
    return;
  }
  await older.terminate('chaos: this run is presumed dead; a new run takes over');
  const newer = await run.startSync(connection);
  // Wake the zombie once the newer run has claimed the connection and committed past the stalled
  // batch: whatever rows of that batch exist then are the newer run's, so a row of it written
  // after the release would be the zombie's (zombie-check.ts).
  const deadline = Date.now() + ZOMBIE_TIMEOUT_MS;
  const passed = () =>
    run.monitor.epoch(connection.connectionId) > (stalled.epoch ?? 0) &&
    run.monitor.checkpoint(connection.connectionId, stalled.stream ?? '') >
      (stalled.checkpoint ?? 0);
  while (!passed() && Date.now() < deadline) await sleep(20);
  await run.markRelease(stalled.worker, connection.connectionId);
  writeFileSync(stall.releaseFile, '');
  const refused = await waitForEvent(
    run,
    (e) =>
      (e.e === 'fail' || e.e === 'end') &&
      e.runId === stalled.runId &&
      e.activityId === stalled.activityId,
  );
  // Connected to Temporal, the zombie's heartbeat learns that its run is gone, and syncBatch stops
  // before its commit (cancelled); a zombie that cannot learn it reaches the fence and is refused
  // (StaleCheckpoint; temporal-partition cuts it off from Temporal for that). Either way: no row.
  if (refused?.e !== 'fail' || !ZOMBIE_OUTCOMES.includes(refused.error?.type ?? ''))
    run.problems.push(
      `${connection.connectionId}: the zombie commit of ${stall.batch} was neither refused with StaleCheckpoint nor cancelled: ${
        refused ? `${refused.e} ${refused.status ?? refused.error?.type ?? ''}` : 'no outcome'
      }`,
    );
  else {
    if (refused.error?.type === 'CancelledFailure')
      run.zombiesStopped.push({
        worker: refused.worker,
        connectionId: connection.connectionId,
        t: refused.t,
        table: `${tablePrefix(connection.connectionId)}${refused.stream}`,
        checkpoint: refused.checkpoint ?? 0,
      });
    run.notes.push(
      `${connection.connectionId}: zombie commit of ${stall.batch} (stalled ${stall.at === 'read' ? 'inside its read' : 'between its read and its commit'}) ${refused.error?.type === 'StaleCheckpoint' ? 'refused' : 'cancelled before its commit'}: ${refused.error?.message}`,
    );
  }
  run.expectCompleted(await run.waitForSync(newer.workflowId));
  ctx.log(
    `fencing: ${connection.connectionId}: zombie ${refused?.e} ${refused?.error?.type ?? refused?.status}`,
  );
}

function isFencedOff(outcome: SyncOutcome): boolean {
  return (
    outcome.status === 'FAILED' &&
    outcome.failureType === 'StaleCheckpoint' &&
    outcome.nonRetryable === true
  );
}

function describe(outcome: SyncOutcome): string {
  return `${outcome.workflowId} ${outcome.status}${outcome.failureType ? ` ${outcome.failureType}` : ''}${
    outcome.failureMessage ? ` (${outcome.failureMessage})` : ''
  }`;
}

function batchKeyOf(e: ActivityEvent): string | undefined {
  return e.connectionId && e.stream && e.checkpoint
    ? batchKey(e.connectionId, e.stream, e.checkpoint)
    : undefined;
}

function retriedAfter(events: readonly ActivityEvent[], failure: ActivityEvent): boolean {
  return events.some(
    (e) =>
      e.e === 'start' &&
      e.runId === failure.runId &&
      e.activityId === failure.activityId &&
      e.attempt > failure.attempt,
  );
}

async function waitForEvent(
  run: SyncRun,
  match: (e: ActivityEvent) => boolean,
): Promise<ActivityEvent | undefined> {
  const deadline = Date.now() + ZOMBIE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const found = run.events.activities().find(match);
    if (found) return found;
    await sleep(50);
  }
  return undefined;
}
