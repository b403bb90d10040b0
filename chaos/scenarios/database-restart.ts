import { connectionsByWorker } from '../connection-check';
import { outageScenario } from './outages';

const title = 'PostgreSQL stopped and started again mid-sync (fast and immediate shutdowns)';

/** (c) The database goes away and comes back while two workers sync; neither may crash or leak. */
export const databaseRestart = outageScenario({
  name: 'database-restart',
  title,
  promise:
    'A database restart only delays the sync: the activities that fail on it are retried, the sync completes exactly, the worker neither crashes nor leaks connections.',
  faults:
    'PostgreSQL stopped (fast, then immediate shutdown: a crash) and started again on its data folder and port, mid-sync; two workers',
  randomLabel: 'outages',
  planned: (size) => size.databaseRestarts,
  noun: 'database restarts',
  async outage(ctx, run, i, point, random) {
    const mode = i % 2 === 0 ? 'fast' : 'immediate';
    const downMs = random.int(1000, 4000);
    ctx.log(`database-restart: ${mode} shutdown after ${point} batches, down ${downMs} ms`);
    await ctx.postgres.outage({ mode, downMs, appName: run.appName });
  },
  finish(ctx, run, restarts) {
    run.figures.databaseRestarts = restarts;
    if (ctx.postgres.outageKind === 'terminate')
      run.notes.push(
        'DATABASE_URL names a server the harness does not own: each outage ended every worker connection (pg_terminate_backend) again and again instead of restarting the server.',
      );
    const failed = run.events.activities().filter((e) => e.e === 'fail');
    const errors = [...new Set(failed.map((e) => `${e.error?.type}: ${e.error?.message}`))];
    run.notes.push(
      `${failed.length} activity attempts failed on the outages, all retryably, with: ${errors.slice(0, 6).join('; ') || 'nothing'}.`,
    );
    return run.finish(title, async () => {
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
  },
});
