import { alternate, figure } from '../measure';
import type { BenchCase, BenchContext, CaseRow, Figure } from '../types';
import { runBenchSync } from './bench-sync';

/**
 * A whole Temporal sync of one stream in batches by `batchSyncWorkflow` (each batch read and
 * committed by the `syncBatch` activity), against the same workflow whose `syncBatch` reads the
 * same batches and commits nothing (in memory, see noop-state-activities.ts); once with the
 * state activities as activities, once as local ones.
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
        comparedWith: `the same workflow with a \`syncBatch\` that reads and commits nothing (${kind})`,
        target: '≤ 1.3× the time',
        ours,
        baseline,
        ratio,
        ratioText: `${ratio.toFixed(2)}× the time`,
        meets: ratio <= 1.3,
        details: [
          `\`batchSyncWorkflow\` (\`localActivities\` for the local variant) over the sample source's \`users\` stream, each batch read and committed by \`syncBatch\` in one in-process worker with \`SyncStatePlugin\` (pool of 10); continues as new when Temporal suggests it. The baseline's \`syncBatch\` reads the same batches with the same reader and keeps the state in memory. Time from start to result: ${rate(ours)} records/s with commits, ${rate(baseline)} records/s without.`,
        ],
      };
    }
  },
};

function seconds(samples: readonly number[]): Figure {
  return figure(
    samples.map((ms) => ms / 1000),
    's',
  );
}
