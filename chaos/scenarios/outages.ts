import type { SeededRandom } from '../random';
import type { ChaosSize, Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, sleep, SyncRun } from '../sync-run';
import { batchesPerStream, pickProgressPoints } from './batches';

/** What differs between the scenarios that take a service down and up while one sync runs. */
export interface OutageScenarioSpec {
  /** The scenario's name, also its connection id. */
  readonly name: Scenario['name'];
  readonly title: Scenario['title'];
  readonly promise: Scenario['promise'];
  readonly faults: Scenario['faults'];
  /** Label of the seeded random stream of the outages (keeps a seed's runs reproducible). */
  readonly randomLabel: string;
  /** How many outages to plan, and what to call them in a problem ("database restarts"). */
  planned(size: ChaosSize): number;
  readonly noun: string;
  /** Takes the service down and up once: the `i`-th outage, after `point` batches. */
  outage(
    ctx: ScenarioContext,
    run: SyncRun,
    i: number,
    point: number,
    random: SeededRandom,
  ): Promise<void>;
  /** After the sync completed: records `restarts` and what else the scenario checks, and finishes the run. */
  finish(ctx: ScenarioContext, run: SyncRun, restarts: number): Promise<ScenarioResult>;
}

/**
 * A scenario where two workers (never killed) run one sync while the harness takes a service
 * down and up at planned points of progress; the sync must complete exactly.
 */
export function outageScenario(spec: OutageScenarioSpec): Scenario {
  return {
    name: spec.name,
    title: spec.title,
    promise: spec.promise,
    faults: spec.faults,
    async run(ctx: ScenarioContext): Promise<ScenarioResult> {
      const { size } = ctx;
      const connection: ChaosConnection = { connectionId: spec.name, count: size.smallRecords };
      const run = new SyncRun(ctx, spec.name, {
        workers: [
          { name: 'w1', killable: false },
          { name: 'w2', killable: false },
        ],
        connections: [connection],
      });
      const random = ctx.random.fork(spec.randomLabel);
      const points = pickProgressPoints(
        random,
        batchesPerStream(connection, size.batchSize) * 3,
        spec.planned(size),
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
            await spec.outage(ctx, run, i, point, random);
            restarts++;
          }
        })();
        const outcome = await run.waitForSync(handle.workflowId);
        closed = true;
        await outages;
        run.expectCompleted(outcome);
        if (restarts < points.length)
          run.problems.push(
            `only ${restarts} of ${points.length} ${spec.noun}: the sync ended first`,
          );
        return await spec.finish(ctx, run, restarts);
      } catch (error) {
        await run.abort();
        throw error;
      }
    },
  };
}
