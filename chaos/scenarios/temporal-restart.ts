import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, sleep, SyncRun } from '../sync-run';
import { batchesPerStream, pickProgressPoints } from './batches';

const title =
  'Temporal dev server (SQLite persistence) SIGKILLed and started again on its port mid-sync';

/** (d) The Temporal server dies and comes back; the workflow carries on from its history. */
export const temporalRestart: Scenario = {
  name: 'temporal-restart',
  title,
  promise:
    'A Temporal server crash only delays the sync: once the server is back on its persisted history, the workflow continues and completes exactly.',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const connection: ChaosConnection = {
      connectionId: 'temporal-restart',
      count: size.smallRecords,
    };
    const run = new SyncRun(ctx, 'temporal-restart', {
      workers: [
        { name: 'w1', killable: false },
        { name: 'w2', killable: false },
      ],
      connections: [connection],
    });
    const random = ctx.random.fork('restarts');
    const points = pickProgressPoints(
      random,
      batchesPerStream(connection, size.batchSize) * 3,
      size.temporalRestarts,
    );
    try {
      await run.begin();
      const handle = await run.startSync(connection);
      let closed = false;
      let restarts = 0;
      const outages = (async () => {
        for (const point of points) {
          await run.untilBatches(point, () => closed);
          if (closed) return;
          await sleep(random.int(0, 300));
          const downMs = random.int(500, 3000);
          ctx.log(`temporal-restart: SIGKILL after ${point} batches, down ${downMs} ms`);
          await ctx.temporal.restart(downMs);
          restarts++;
        }
      })();
      const outcome = await run.waitForSync(handle.workflowId);
      closed = true;
      await outages;
      run.expectCompleted(outcome);
      run.figures.temporalRestarts = restarts;
      if (restarts < points.length)
        run.problems.push(
          `only ${restarts} of ${points.length} Temporal restarts: the sync ended first`,
        );
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};
