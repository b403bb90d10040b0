import { LinkFaults } from '../link-faults';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, sleep, SyncRun } from '../sync-run';
import { batchesPerStream, pickProgressPoints } from './batches';
import { NETWORK_TIMEOUTS, workerInCommit } from './network-workers';

const title =
  'the PostgreSQL host crashed mid-commit, again and again: cut off, every process SIGKILLed, recovered from its WAL';

/**
 * (i) PostgreSQL on a host of its own runs durable (fsync, synchronous commit, full page writes).
 * At planned points the harness waits for a commit in flight, cuts the database host off and
 * SIGKILLs every process on it at once (no shutdown, no FIN to the clients), then starts the
 * server again on its data folder: crash recovery from the WAL. Two workers sync throughout; no
 * commit they were told about may be lost, none may land twice.
 */
export const databaseCrash: Scenario = {
  name: 'database-crash',
  title,
  hosts: true,
  promise:
    'A crash of the database host mid-commit (every PostgreSQL process killed at once, the server recovering from its WAL) loses no commit a worker was told about and writes none twice: the sync completes exactly.',
  faults:
    'separate hosts; the PostgreSQL host (durable) cut off and every process on it SIGKILLed at once while a commit is in flight, then started again: crash recovery from the WAL; two workers',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { size } = ctx;
    const network = ctx.network;
    if (!network) throw new Error('database-crash runs on separate hosts: no network lab');
    const connection: ChaosConnection = {
      connectionId: 'database-crash',
      count: size.networkRecords,
    };
    const run = new SyncRun(ctx, 'database-crash', {
      workers: [
        { name: 'w1', killable: false },
        { name: 'w2', killable: false },
      ],
      connections: [connection],
      timeouts: NETWORK_TIMEOUTS,
    });
    const random = ctx.random.fork('crashes');
    const points = pickProgressPoints(
      random,
      batchesPerStream(connection, size.batchSize) * 3,
      size.databaseCrashes,
    );
    let crashes = 0;
    let inCommit = 0;
    try {
      await run.begin();
      const faults = new LinkFaults(ctx, run, 20_000);
      const handle = await run.startSync(connection);
      let closed = false;
      const crashing = (async () => {
        for (const point of points) {
          await run.untilBatches(point, () => closed);
          if (closed) return;
          const worker = random.pick(['w1', 'w2']);
          if (await workerInCommit(run, worker, 3000, () => closed)) inCommit++;
          await sleep(random.int(0, 30));
          const downMs = random.int(500, 3000);
          run.linksCut++; // the dead server's sessions are not the workers' to count
          await network.postgres.crash(downMs);
          run.linksCut--;
          crashes++;
          faults.record({ e: 'database crashed', downMs });
          ctx.log(`database-crash: crash ${crashes} after ${point} batches, down ${downMs} ms`);
          await faults.settle('the database host came back');
        }
      })();
      const outcome = await run.waitForSync(handle.workflowId);
      closed = true;
      await crashing;
      run.expectCompleted(outcome);
      run.figures.databaseCrashes = crashes;
      if (crashes < points.length)
        run.problems.push(`only ${crashes} of ${points.length} crashes: the sync ended first`);
      const failed = run.events.activities().filter((e) => e.e === 'fail').length;
      run.notes.push(
        `${crashes} crashes of the database host (${inCommit} while a commit was in flight); ${failed} activity attempts failed on them, all retryably.`,
      );
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};
