import { killAtRandom, killsByPhase } from '../kill-schedule';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, SyncRun } from '../sync-run';
import { batchesPerStream, pickBatches } from './batches';

const title =
  'one worker, SIGKILLed at random moments and right after commits, restarted each time';

/** (a) One worker killed again and again during a large sync, also between commit and completion. */
export const workerKills: Scenario = {
  name: 'worker-kills',
  title,
  promise:
    'A worker can die at any moment, also after the database committed a batch and before Temporal heard of it: no record is lost or written twice, and the state never moves backwards.',
  faults:
    'one worker process, SIGKILLed by the harness at random moments (some of them aimed at a commit in flight) and by itself right after chosen commits; restarted after each kill',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const connection: ChaosConnection = { connectionId: 'worker-kills', count: size.records };
    const afterCommit = pickBatches(
      ctx.random.fork('kills after commit'),
      connection,
      size.batchSize,
      size.killsAfterCommit,
    );
    const run = new SyncRun(ctx, 'worker-kills', {
      workers: [{ name: 'w1', killable: true, killAfterCommit: afterCommit }],
      connections: [connection],
    });
    try {
      await run.begin();
      const handle = await run.startSync(connection);
      let closed = false;
      const killing = killAtRandom(run, {
        kills: size.kills - size.killsAfterCommit,
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
      const selfKills = run.events.activities().filter((e) => e.e === 'killAfterCommit').length;
      if (kills.length + selfKills < size.kills)
        run.problems.push(
          `only ${kills.length + selfKills} kills (${kills.length} by the harness, ${selfKills} after a commit) of ${size.kills} planned: the sync ended first`,
        );
      ctx.log(
        `worker-kills: ${kills.length} kills by the harness, ${selfKills} right after a commit`,
      );
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};
