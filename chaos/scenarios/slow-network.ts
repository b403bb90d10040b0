import { LinkFaults } from '../link-faults';
import type { SlowLink } from '../hosts/network';
import type { Scenario, ScenarioContext, ScenarioResult } from '../scenario';
import { type ChaosConnection, SyncRun } from '../sync-run';
import { NETWORK_TIMEOUTS } from './network-workers';

const title =
  'every worker link slow and lossy for a whole sync: 50–300 ms round trips with jitter, bandwidth limits, dropped connections';

/**
 * Each direction of each link: 25–150 ms (so 50–300 ms a round trip), a bandwidth limit, and on
 * the database links a third of the connections cut after 128 KB sent (mid-commit, as a batch
 * is larger than that).
 */
const DATABASE_LINK: SlowLink = { latencyMs: 87, jitterMs: 63, rateKBps: 512, dropShare: 0.33 };
const TEMPORAL_LINK: SlowLink = { latencyMs: 87, jitterMs: 63, rateKBps: 256 };

/** (j) Three workers whose every link is slow, jittery, narrow and drops connections, for a whole sync. */
export const slowNetwork: Scenario = {
  name: 'slow-network',
  title,
  hosts: true,
  promise:
    'Slow, jittery, narrow links that drop connections, on every worker for a whole sync, cost time only: the sync completes exactly.',
  faults:
    'separate hosts; every link of three workers slow for the whole sync: 25–150 ms each way with jitter, 512 KB/s (database) and 256 KB/s (Temporal), a third of database connections cut after 128 KB',
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const connection: ChaosConnection = {
      connectionId: 'slow-network',
      count: ctx.size.networkRecords,
    };
    const workers = ['w1', 'w2', 'w3'];
    const run = new SyncRun(ctx, 'slow-network', {
      workers: workers.map((name) => ({ name, killable: false })),
      connections: [connection],
      timeouts: NETWORK_TIMEOUTS,
    });
    try {
      await run.begin();
      const faults = new LinkFaults(ctx, run, 20_000);
      for (const worker of workers) {
        await faults.network.slow(worker, 'postgres', DATABASE_LINK);
        await faults.network.slow(worker, 'temporal', TEMPORAL_LINK);
      }
      faults.record({ e: 'slowed', database: DATABASE_LINK, temporal: TEMPORAL_LINK });
      const outcome = await run.waitForSync((await run.startSync(connection)).workflowId);
      run.expectCompleted(outcome);
      const events = run.events.activities();
      const failed = events.filter((e) => e.e === 'fail').length;
      const retried = events.filter((e) => e.e === 'start' && e.attempt > 1).length;
      run.notes.push(
        `Every link of ${workers.length} workers: ${DATABASE_LINK.latencyMs}±${DATABASE_LINK.jitterMs} ms each way, database ${DATABASE_LINK.rateKBps} KB/s with ${Math.round((DATABASE_LINK.dropShare ?? 0) * 100)} % of connections dropped after 128 KB, Temporal ${TEMPORAL_LINK.rateKBps} KB/s; ${failed} attempts failed (retryably), ${retried} retries.`,
      );
      return await run.finish(title);
    } catch (error) {
      await run.abort();
      throw error;
    }
  },
};
