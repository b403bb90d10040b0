import { outageScenario } from './outages';

const title =
  'Temporal dev server (SQLite persistence) SIGKILLed and started again on its port mid-sync';

/** (d) The Temporal server dies and comes back; the workflow carries on from its history. */
export const temporalRestart = outageScenario({
  name: 'temporal-restart',
  title,
  promise:
    'A Temporal server crash only delays the sync: once the server is back on its persisted history, the workflow continues and completes exactly.',
  faults:
    'the Temporal dev server (state in a SQLite file, `--db-filename`) SIGKILLed and started again on its port, mid-sync; two workers',
  randomLabel: 'restarts',
  planned: (size) => size.temporalRestarts,
  noun: 'Temporal restarts',
  async outage(ctx, _run, _i, point, random) {
    const downMs = random.int(500, 3000);
    ctx.log(`temporal-restart: SIGKILL after ${point} batches, down ${downMs} ms`);
    await ctx.temporal.restart(downMs);
  },
  finish(_ctx, run, restarts) {
    run.figures.temporalRestarts = restarts;
    return run.finish(title);
  },
});
