import { NOOP_ACTIVITY_PREFIX } from '../activities/noop-state-activities';
import { alternate, figure } from '../measure';
import type { BenchCase, BenchContext, CaseRow, Figure } from '../types';
import type { BenchTemporal } from '../worker/bench-temporal';

/**
 * A whole Temporal sync of one stream in batches, committing each batch through `commitBatch`,
 * against the same workflow whose state activities do nothing (in memory, see
 * noop-state-activities.ts); once with the state activities as activities, once as local ones.
 */
export const temporalSyncCase: BenchCase = {
  id: 'temporal-sync',
  needsTemporal: true,
  rowIds: ['temporal-sync', 'temporal-sync-local'],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const temporal = await ctx.temporal();
    const { syncRecords, syncRuns, batchSize } = ctx.sizes;
    const variant = (local: boolean, noop: boolean) => async (run: number) => {
      // The warm-up (run 0) is a short sync: it only has to bring every code path up.
      const count = run === 0 ? Math.min(syncRecords, batchSize * 3) : syncRecords;
      return (await runBenchSync(ctx, temporal, { count, local, noop, label: `r${run}` })).ms;
    };
    const [remote, local] = await temporal.withWorker(async () => [
      await alternate(syncRuns, { commit: variant(false, false), noop: variant(false, true) }),
      await alternate(syncRuns, { commit: variant(true, false), noop: variant(true, true) }),
    ]);
    const what = `${syncRecords.toLocaleString('en')} records in batches of ${batchSize.toLocaleString('en')}`;
    return [
      row('temporal-sync', `a Temporal sync of ${what}`, 'activities', remote),
      row(
        'temporal-sync-local',
        `the same sync, state activities as local activities`,
        'local activities',
        local,
      ),
    ];

    function row(
      id: string,
      title: string,
      kind: string,
      samples: { commit: number[]; noop: number[] },
    ): CaseRow {
      const ours = seconds(samples.commit);
      const baseline = seconds(samples.noop);
      const ratio = ours.median / baseline.median;
      const rate = (f: Figure) => Math.round(syncRecords / f.median).toLocaleString('en');
      return {
        id,
        title,
        comparedWith: `the same workflow with a commit activity that does nothing (${kind})`,
        target: '≤ 1.3× the time',
        ours,
        baseline,
        ratio,
        ratioText: `${ratio.toFixed(2)}× the time`,
        meets: ratio <= 1.3,
        details: [
          `the example \`batchSyncWorkflow\` (\`localActivities\` for the local variant) over the sample source's \`users\` stream, one in-process worker with \`SyncStatePlugin\` (pool of 10); continues as new when Temporal suggests it. Time from start to result: ${rate(ours)} records/s with commits, ${rate(baseline)} records/s without.`,
        ],
      };
    }
  },
};

let syncs = 0;

/** Options of {@link runBenchSync}. */
export interface BenchSyncRun {
  readonly count: number;
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
 * Runs one `batchSyncWorkflow` of `count` `users` records (a worker must serve the task queue)
 * and checks that it committed all of them; returns its time in ms.
 */
export async function runBenchSync(
  ctx: BenchContext,
  temporal: BenchTemporal,
  options: BenchSyncRun,
): Promise<{ ms: number }> {
  const prefix = `s${++syncs}_${options.noop ? 'noop' : 'db'}${options.local ? '_local' : ''}_${options.label}`;
  const { ms, progress } = await temporal.runSync(
    {
      connectionId: options.connectionId ?? `bench-${prefix}`,
      source: { name: 'bench-sync', streams: ['users'], config: { count: options.count } },
      destination: { tablePrefix: `${prefix}_` },
      batchSize: ctx.sizes.batchSize,
      localActivities: options.local,
      activityNamePrefix: options.noop ? NOOP_ACTIVITY_PREFIX : undefined,
    },
    options.taskQueue,
  );
  if (progress.status !== 'completed' || progress.recordsCommitted !== options.count) {
    throw new Error(
      `sync ${prefix} ended ${progress.status} with ${progress.recordsCommitted} of ${options.count} records`,
    );
  }
  if (!options.noop) {
    const rows = await ctx.pool.query<{ n: string }>(`select count(*) as n from "${prefix}_users"`);
    if (Number(rows.rows[0]?.n) !== options.count)
      throw new Error(`sync ${prefix} left ${rows.rows[0]?.n} rows, expected ${options.count}`);
  }
  return { ms };
}

function seconds(samples: readonly number[]): Figure {
  return figure(
    samples.map((ms) => ms / 1000),
    's',
  );
}
