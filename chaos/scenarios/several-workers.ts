import { killAtRandom, killsByPhase } from '../kill-schedule';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, SyncRun } from '../sync-run';
import { batchesPerStream, pickSelfKills } from './batches';

/** Each read's extra time, in ms. */
const READ_DELAY_MS = 500;

const title = 'three workers on one task queue, two of them SIGKILLed again and again';

/** (b) Three workers share the task queue; two are killed repeatedly, the third never. */
export const severalWorkers: Scenario = {
  name: 'several-workers',
  title,
  promise:
    'Workers sharing a task queue can die while the others carry on: every batch is committed exactly once, whichever worker ran it.',
  faults:
    'three worker processes on one task queue; two of them SIGKILLed again and again (also at every fault point of syncBatch), the third never',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const connection: ChaosConnection = {
      connectionId: 'several-workers',
      count: size.severalWorkersRecords,
    };
    // Only a killable worker kills itself at a fault point, so some of these may not happen.
    const selfKills = pickSelfKills(ctx.random.fork('self kills'), connection, size.batchSize, {
      afterCommit: Math.floor(size.severalWorkersKills / 6),
      beforeCommit: Math.floor(size.severalWorkersKills / 6),
      path: 'batch',
    });
    const run = new SyncRun(ctx, 'several-workers', {
      workers: [
        { name: 'w1', killable: true, kills: selfKills, readDelayMs: READ_DELAY_MS },
        { name: 'w2', killable: true, kills: selfKills, readDelayMs: READ_DELAY_MS },
        { name: 'w3', killable: false, readDelayMs: READ_DELAY_MS },
      ],
      connections: [connection],
      // One stream at a time, each read as slow as a remote API: with three workers syncBatch
      // otherwise outruns the kills (a full run ended after 6 of 32).
      streamConcurrency: 1,
    });
    try {
      await run.begin();
      const handle = await run.startSync(connection);
      let closed = false;
      const killing = killAtRandom(run, {
        kills: size.severalWorkersKills - selfKills.length,
        totalBatches: batchesPerStream(connection, size.batchSize) * 3,
        // Three workers keep the sync moving fast: shorter delays, so every planned kill lands.
        maxDelayMs: Math.round(size.maxKillDelayMs / 3),
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
      const killed = new Set(kills.map((k) => k.worker));
      if (kills.length >= 4 && killed.size < 2)
        run.problems.push(`only ${[...killed].join(', ')} was killed; both w1 and w2 should be`);
      // Two workers keep the sync going while one dies: at small sizes it may end before the
      // last planned kill; fewer than half the kills means the scenario tested too little.
      const planned = size.severalWorkersKills - selfKills.length;
      if (kills.length < Math.ceil(planned / 2))
        run.problems.push(
          `only ${kills.length} of ${planned} kills by the harness: the sync ended first`,
        );
      else if (kills.length < planned)
        run.notes.push(`${kills.length} of ${planned} planned kills landed before the sync ended.`);
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};
