import { type NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createConnectorActivities } from '../../activities/connector-activities';
import { prefixActivities } from '../../activities/prefix-activities';
import { createSampleSourceActivities } from '../../activities/examples/sample-source-activities';
import { SyncStatePlugin } from '../../src/plugin';
import { createSampleSourceReader } from '../../examples/sample-source/reader';
import { BENCH_CONNECTORS } from './bench-connectors';
import {
  createNoopStateActivities,
  NOOP_ACTIVITY_PREFIX,
} from '../activities/noop-state-activities';

/** The name under which the benchmark worker registers the sample source's reader. */
export const BENCH_READER = 'bench-sync';

/** Options of {@link createBenchWorker}. */
export interface BenchWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflowBundle: WorkflowBundleOption;
  /** The database of the real state activities (the plugin opens its own pool, of 10). */
  readonly databaseUrl: string;
}

/**
 * A worker as users run one: `SyncStatePlugin` with its defaults and the sample source's
 * activities and reader (as {@link BENCH_READER}), the connector activities allowing
 * {@link BENCH_CONNECTORS}, plus the no-op state activities under `noop.` for the baselines.
 */
export function createBenchWorker(options: BenchWorkerOptions): Promise<Worker> {
  const reader = createSampleSourceReader();
  const plugin = new SyncStatePlugin({
    url: options.databaseUrl,
    readers: { [BENCH_READER]: reader },
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: {
      ...createSampleSourceActivities(),
      ...prefixActivities(createNoopStateActivities(reader), NOOP_ACTIVITY_PREFIX),
      ...createConnectorActivities(() => plugin.backend, { connectors: BENCH_CONNECTORS }),
    },
    plugins: [plugin],
  });
}
