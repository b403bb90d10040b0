import { alternate, figure } from '../measure';
import type { BenchCase, BenchContext, CaseRow } from '../types';
import { runBenchSync } from './bench-sync';

/**
 * Many syncs at once on one worker (one connection each), against one sync alone: all must
 * complete with every record; the report gives how the total throughput scales.
 */
export const concurrentSyncsCase: BenchCase = {
  id: 'concurrent-syncs',
  needsTemporal: true,
  rowIds: ['concurrent-syncs'],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const temporal = await ctx.temporal();
    const {
      concurrentSyncs: syncs,
      concurrentRecords: records,
      concurrentRuns,
      batchSize,
    } = ctx.sizes;
    let completed = 0;
    let started = 0;
    const samples = await temporal.withWorker(() =>
      alternate(concurrentRuns, {
        // The warm-up (run 0) syncs one batch each: it only has to bring every code path up.
        one: async (run) => {
          const count = run === 0 ? Math.min(records, batchSize) : records;
          const { ms } = await runBenchSync(ctx, temporal, { count, label: `one${run}` });
          return count / (ms / 1000);
        },
        many: async (run) => {
          const count = run === 0 ? Math.min(records, batchSize) : records;
          const begun = performance.now();
          const results = await Promise.allSettled(
            Array.from({ length: syncs }, (_, i) => {
              if (run > 0) started++;
              return runBenchSync(ctx, temporal, { count, label: `many${run}_${i}` });
            }),
          );
          const ms = performance.now() - begun;
          const failed = results.filter((r) => r.status === 'rejected');
          if (run > 0) completed += results.length - failed.length;
          if (failed[0]) throw failed[0].reason;
          return (syncs * count) / (ms / 1000);
        },
      }),
    );
    const ours = figure(samples.many, 'records/s');
    const one = figure(samples.one, 'records/s');
    const scaling = ours.median / one.median;
    return [
      {
        id: 'concurrent-syncs',
        title: `${syncs} concurrent syncs on one worker`,
        comparedWith: 'one sync',
        target: 'all complete; report throughput scaling',
        ours,
        baseline: one,
        ratio: scaling,
        ratioText: `${completed}/${started} complete (${concurrentRuns} × ${syncs}); ${scaling.toFixed(2)}× the throughput of one sync`,
        meets: completed === started,
        details: [
          `Each sync: ${records.toLocaleString('en')} \`users\` records in batches of ${batchSize}, its own connection and table, state activities as activities; one in-process worker with the SDK's default slots and the plugin's pool of 10. Throughput = all records committed / wall time from the first start to the last result; every sync's table was checked to hold exactly its records.`,
        ],
      },
    ];
  },
};
