import { Client } from 'pg';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, sleep, SyncRun } from '../sync-run';
import { batchesPerStream, pickProgressPoints } from './batches';

const title = 'PostgreSQL stopped and started again mid-sync (fast and immediate shutdowns)';

/** (c) The database goes away and comes back while two workers sync; neither may crash or leak. */
export const databaseRestart: Scenario = {
  name: 'database-restart',
  title,
  promise:
    'A database restart only delays the sync: the activities that fail on it are retried, the sync completes exactly, the worker neither crashes nor leaks connections.',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const connection: ChaosConnection = {
      connectionId: 'database-restart',
      count: size.smallRecords,
    };
    const run = new SyncRun(ctx, 'database-restart', {
      workers: [
        { name: 'w1', killable: false },
        { name: 'w2', killable: false },
      ],
      connections: [connection],
    });
    const random = ctx.random.fork('outages');
    const points = pickProgressPoints(
      random,
      batchesPerStream(connection, size.batchSize) * 3,
      size.databaseRestarts,
    );
    try {
      await run.begin();
      const handle = await run.startSync(connection);
      let closed = false;
      let restarts = 0;
      const outages = (async () => {
        for (const [i, point] of points.entries()) {
          await run.untilBatches(point, () => closed);
          if (closed) return;
          await sleep(random.int(0, 300));
          const mode = i % 2 === 0 ? 'fast' : 'immediate';
          const downMs = random.int(1000, 4000);
          ctx.log(`database-restart: ${mode} shutdown after ${point} batches, down ${downMs} ms`);
          await ctx.postgres.outage({ mode, downMs, appName: run.appName });
          restarts++;
        }
      })();
      const outcome = await run.waitForSync(handle.workflowId);
      closed = true;
      await outages;
      run.expectCompleted(outcome);
      run.figures.databaseRestarts = restarts;
      if (restarts < points.length)
        run.problems.push(
          `only ${restarts} of ${points.length} database restarts: the sync ended first`,
        );
      if (ctx.postgres.outageKind === 'terminate')
        run.notes.push(
          'DATABASE_URL names a server the harness does not own: each outage ended every worker connection (pg_terminate_backend) again and again instead of restarting the server.',
        );
      const failed = run.events.activities().filter((e) => e.e === 'fail');
      const errors = [...new Set(failed.map((e) => `${e.error?.type}: ${e.error?.message}`))];
      run.notes.push(
        `${failed.length} activity attempts failed on the outages, all retryably, with: ${errors.slice(0, 6).join('; ') || 'nothing'}.`,
      );
      return await run.finish(title, async () => {
        // The workers still run: after the restarts each may hold at most its pool.
        const held = await connectionsByWorker(ctx.databaseUrl, run.appName);
        for (const [worker, count] of Object.entries(held))
          if (count > run.poolSize)
            run.problems.push(
              `${worker} holds ${count} connections after the sync, pool size ${run.poolSize}`,
            );
        run.notes.push(
          `Connections held after the sync: ${
            Object.entries(held)
              .map(([w, n]) => `${w} ${n}`)
              .join(', ') || 'none'
          }.`,
        );
      });
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};

async function connectionsByWorker(url: string, appName: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ app: string; n: string }>(
      `select application_name as app, count(*)::text as n from pg_stat_activity
        where starts_with(application_name, $1) group by 1 order by 1`,
      [appName],
    );
    return Object.fromEntries(rows.map((r) => [r.app, Number(r.n)]));
  } finally {
    await client.end();
  }
}
