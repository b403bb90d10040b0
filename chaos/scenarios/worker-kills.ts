import { killAtRandom, killsByPhase } from '../kill-schedule';
import type { ChaosSize, Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import type { SyncPath } from '../sync-path';
import { type ChaosConnection, SyncRun } from '../sync-run';
import { batchesPerStream, pickSelfKills } from './batches';

/** What differs between the worker-kills scenarios of the two sync paths. */
interface WorkerKillsVariant {
  readonly name: string;
  readonly path: SyncPath;
  readonly title: string;
  readonly promise: string;
  readonly faults: string;
  /** Records per stream, kills in all, and the workers' own kills after and before a commit. */
  sizes(size: ChaosSize): {
    readonly records: number;
    readonly kills: number;
    readonly afterCommit: number;
    readonly beforeCommit: number;
  };
}

/** (a) One worker killed again and again during a large sync, at every fault point. */
export const workerKills: Scenario = workerKillsScenario({
  name: 'worker-kills',
  path: 'batch',
  title:
    'one worker, SIGKILLed at random moments and at every fault point of syncBatch (inside the read, between the read and the commit, after the commit), restarted each time',
  promise:
    'A worker can die at any moment of a batch, also after the database committed it and before Temporal heard of it: no record is lost or written twice, and the state never moves backwards.',
  faults:
    'one worker process, SIGKILLed by the harness at random moments (some of them aimed at a commit in flight) and by itself inside chosen reads, between chosen reads and their commits, and right after chosen commits; restarted after each kill',
  sizes: (size) => ({
    records: size.records,
    kills: size.kills,
    afterCommit: size.killsAfterCommit,
    beforeCommit: size.killsBeforeCommit,
  }),
});

/** (a') The same on the records-through-the-workflow path, so that `checkpoint({ records })` stays covered. */
export const recordsPathKills: Scenario = workerKillsScenario({
  name: 'records-path',
  path: 'records',
  title:
    'the records-through-the-workflow path (readSourceBatch, then checkpoint({ records })): one worker SIGKILLed at random moments, before and right after commits',
  promise:
    "A sync whose records pass through the workflow (session.checkpoint's commitBatch) keeps the same promises under worker kills: nothing lost or written twice, state never backwards.",
  faults:
    'one worker process on recordsThroughWorkflowSync, SIGKILLed by the harness at random moments (some aimed at a commit in flight) and by itself at the start of chosen commits and right after chosen commits',
  sizes: (size) => ({
    records: size.smallRecords,
    kills: Math.ceil(size.kills / 3),
    afterCommit: Math.ceil(size.killsAfterCommit / 3),
    beforeCommit: Math.ceil(size.killsBeforeCommit / 3),
  }),
});

function workerKillsScenario(variant: WorkerKillsVariant): Scenario {
  return {
    name: variant.name,
    title: variant.title,
    promise: variant.promise,
    faults: variant.faults,
    async run(ctx: ScenarioContext): Promise<ScenarioResult> {
      const { size } = ctx;
      const sizes = variant.sizes(size);
      const connection: ChaosConnection = { connectionId: variant.name, count: sizes.records };
      const selfKills = pickSelfKills(ctx.random.fork('self kills'), connection, size.batchSize, {
        afterCommit: sizes.afterCommit,
        beforeCommit: sizes.beforeCommit,
        path: variant.path,
      });
      const run = new SyncRun(ctx, variant.name, {
        workers: [{ name: 'w1', killable: true, kills: selfKills }],
        connections: [connection],
        path: variant.path,
      });
      try {
        await run.begin();
        const handle = await run.startSync(connection);
        let closed = false;
        const killing = killAtRandom(run, {
          kills: Math.max(0, sizes.kills - selfKills.length),
          totalBatches: batchesPerStream(connection, size.batchSize) * 3,
          maxDelayMs: size.maxKillDelayMs,
          random: ctx.random.fork('kills'),
          aimedShare: size.aimedShare,
          done: () => closed,
        });
        const outcome = await run.waitForSync(handle.workflowId);
        closed = true;
        const kills = await killing;
        run.expectCompleted(outcome);
        run.figures.harnessKills = kills.length;
        run.figures.killsByPhase = killsByPhase(kills);
        const own = run.events.activities().filter((e) => e.e === 'selfKill').length;
        if (own < selfKills.length)
          run.problems.push(
            `only ${own} of ${selfKills.length} planned kills by the worker itself happened`,
          );
        if (kills.length + own < sizes.kills)
          run.problems.push(
            `only ${kills.length + own} kills (${kills.length} by the harness, ${own} by the worker at a fault point) of ${sizes.kills} planned: the sync ended first`,
          );
        ctx.log(
          `${variant.name}: ${kills.length} kills by the harness, ${own} by the worker at a fault point`,
        );
        return await run.finish(variant.title);
      } catch (error) {
        await run.abort();
        throw error;
      }
    },
  };
}
