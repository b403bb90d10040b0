import { NOOP_ACTIVITY_PREFIX } from '../activities/noop-state-activities';
import type { BenchContext } from '../types';
import type { BenchSyncResult, BenchTemporal } from '../worker/bench-temporal';
import { BENCH_READER } from '../worker/bench-worker';

/** The read-and-commit path, the default of every Temporal case. */
export const READ_AND_COMMIT_WORKFLOW = 'batchSyncWorkflow';
/** The records-through-the-workflow example (workflows/examples/), as a comparison. */
export const RECORDS_THROUGH_WORKFLOW = 'recordsThroughWorkflowSync';

let syncs = 0;

/** Options of {@link runBenchSync}. */
export interface BenchSyncRun {
  /** Records of each stream. */
  readonly count: number;
  /** Streams of the sample source. Default: `['users']`. */
  readonly streams?: readonly string[];
  /** Default: {@link READ_AND_COMMIT_WORKFLOW}. */
  readonly workflowType?: string;
  readonly local?: boolean;
  readonly noop?: boolean;
  /** Part of the table prefix, to tell syncs apart in the database. */
  readonly label: string;
  /** Default: `bench-` and the table prefix. */
  readonly connectionId?: string;
  /** Default: the in-process worker's. */
  readonly taskQueue?: string;
}

/**
 * Runs one sync of `count` records of each stream of the sample source (a worker must serve the
 * task queue) and checks that it committed all of them, in the workflow's answer and (unless
 * no-op) in each stream's table.
 */
export async function runBenchSync(
  ctx: BenchContext,
  temporal: BenchTemporal,
  options: BenchSyncRun,
): Promise<BenchSyncResult & { readonly connectionId: string }> {
  const prefix = `s${++syncs}_${options.noop ? 'noop' : 'db'}${options.local ? '_local' : ''}_${options.label}`;
  const streams = options.streams ?? ['users'];
  const connectionId = options.connectionId ?? `bench-${prefix}`;
  const result = await temporal.runSync(
    {
      connectionId,
      source: { name: BENCH_READER, streams, config: { count: options.count } },
      destination: { tablePrefix: `${prefix}_` },
      batchSize: ctx.sizes.batchSize,
      localActivities: options.local,
      activityNamePrefix: options.noop ? NOOP_ACTIVITY_PREFIX : undefined,
    },
    options.taskQueue,
    options.workflowType ?? READ_AND_COMMIT_WORKFLOW,
  );
  const { progress } = result;
  const expected = options.count * streams.length;
  if (progress.status !== 'completed' || progress.recordsCommitted !== expected) {
    throw new Error(
      `sync ${prefix} ended ${progress.status} with ${progress.recordsCommitted} of ${expected} records`,
    );
  }
  if (!options.noop) {
    for (const stream of streams) {
      const table = `"${prefix}_${stream}"`;
      const rows = await ctx.pool.query<{ n: string }>(`select count(*) as n from ${table}`);
      if (Number(rows.rows[0]?.n) !== options.count)
        throw new Error(
          `sync ${prefix} left ${rows.rows[0]?.n} rows in ${table}, expected ${options.count}`,
        );
    }
  }
  return { ...result, connectionId };
}
