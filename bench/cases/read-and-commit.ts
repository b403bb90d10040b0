import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
import { alternate, figure, median } from '../measure';
import type { BenchCase, BenchContext, CaseRow, Figure } from '../types';
import type { BenchTemporal } from '../worker/bench-temporal';
import { workflowRuns } from '../worker/workflow-runs';
import { READ_AND_COMMIT_WORKFLOW, RECORDS_THROUGH_WORKFLOW, runBenchSync } from './bench-sync';
import { inProcessSync } from './in-process-sync';

/** (a) The read-and-commit path's throughput, as a share of the in-process loop's. */
const MIN_THROUGHPUT_RATIO = 0.5;
/** (c) Largest workflow history per checkpoint of the read-and-commit path. */
const MAX_HISTORY_BYTES_PER_CHECKPOINT = 2048;

/** What one Temporal sync left in the server: its runs and their history. */
interface HistoryOfSync {
  readonly runs: number;
  readonly bytes: number;
  readonly checkpoints: number;
}

/**
 * A sync of the sample source's three streams through Temporal, by the read-and-commit path
 * (`batchSyncWorkflow`: `syncBatch` reads and commits in the worker) and by the records-through-
 * the-workflow example, against the same batches read by the same reader and committed by the
 * same commit step in a plain loop in this process; and the history each path leaves per
 * checkpoint (the server's `historySizeBytes` of every run of the chain).
 */
export const readAndCommitCase: BenchCase = {
  id: 'read-and-commit',
  needsTemporal: true,
  rowIds: ['read-and-commit', 'records-through-workflow', 'history-per-checkpoint'],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const temporal = await ctx.temporal();
    const { syncRuns, batchSize } = ctx.sizes;
    const streams = [...SAMPLE_STREAM_NAMES];
    const perStream = Math.ceil(ctx.sizes.syncRecords / streams.length);
    const total = perStream * streams.length;
    const histories: Record<'batch' | 'records', HistoryOfSync[]> = { batch: [], records: [] };
    const temporalSync =
      (workflowType: string, kind: 'batch' | 'records') => async (run: number) => {
        // The warm-up (run 0) is a short sync: it only has to bring every code path up.
        const count = run === 0 ? Math.min(perStream, batchSize * 2) : perStream;
        const label = `${kind}${run}`;
        const result = await runBenchSync(ctx, temporal, { count, streams, workflowType, label });
        if (run > 0) histories[kind].push(await historyOf(ctx, temporal, result));
        return (count * streams.length) / (result.ms / 1000);
      };
    const samples = await temporal.withWorker(() =>
      alternate(syncRuns, {
        readAndCommit: temporalSync(READ_AND_COMMIT_WORKFLOW, 'batch'),
        loop: async (run) => {
          const count = run === 0 ? Math.min(perStream, batchSize * 2) : perStream;
          const { ms } = await inProcessSync(ctx, { count, streams, label: `r${run}` });
          return (count * streams.length) / (ms / 1000);
        },
        records: temporalSync(RECORDS_THROUGH_WORKFLOW, 'records'),
      }),
    );
    const loop = figure(samples.loop, 'records/s');
    const ours = figure(samples.readAndCommit, 'records/s');
    const records = figure(samples.records, 'records/s');
    const shape = `${total.toLocaleString('en')} records (3 streams × ${perStream.toLocaleString('en')}) in batches of ${batchSize.toLocaleString('en')}`;
    const loopText = `the same batches read by the same reader and committed by the same commit step in a plain loop without Temporal`;
    const throughput = (
      id: string,
      title: string,
      how: string,
      value: Figure,
      target: string,
      min?: number,
    ): CaseRow => {
      const ratio = value.median / loop.median;
      return {
        id,
        title,
        comparedWith: loopText,
        target,
        ours: value,
        baseline: loop,
        ratio,
        ratioText: `${ratio.toFixed(2)}× the loop's throughput`,
        meets: min === undefined ? true : ratio >= min,
        details: [
          `${how} over ${shape}, one in-process worker with \`SyncStatePlugin\` (pool of 10; the sample source's reader registered), state activities as activities; continues as new when Temporal suggests it. Throughput = records / time from start to result; every stream's table was checked to hold exactly its records.`,
          `The loop (bench/cases/in-process-sync.ts): \`startSync\`, then per stream (the three at once, as the workflow reads them) the reader and \`backend.commits.commit\` of records and state with the next checkpoint under the run's epoch.`,
        ],
      };
    };
    const perCheckpoint = (list: readonly HistoryOfSync[]) =>
      figure(
        list.map((h) => h.bytes / h.checkpoints),
        'bytes/checkpoint',
      );
    const batchHistory = perCheckpoint(histories.batch);
    const recordsHistory = perCheckpoint(histories.records);
    const runsOf = (list: readonly HistoryOfSync[]) => median(list.map((h) => h.runs));
    const describe = (list: readonly HistoryOfSync[]) =>
      list
        .map((h) => `${h.runs} run(s), ${kb(h.bytes)} over ${h.checkpoints} checkpoints`)
        .join('; ');
    return [
      throughput(
        'read-and-commit',
        `a Temporal batch sync (\`batchSyncWorkflow\`, read-and-commit) of ${shape}`,
        '`batchSyncWorkflow`: each batch read and committed in the worker by the `syncBatch` activity, the three streams at once (its default),',
        ours,
        `≥ ${MIN_THROUGHPUT_RATIO}× the loop's throughput`,
        MIN_THROUGHPUT_RATIO,
      ),
      {
        ...throughput(
          'records-through-workflow',
          `the same sync with records through the workflow (\`recordsThroughWorkflowSync\`)`,
          '`recordsThroughWorkflowSync` (workflows/examples/): a `readSourceBatch` activity returns each batch to the workflow, which commits it with `session.checkpoint` (`commitBatch`), stream after stream,',
          records,
          'none (a comparison row)',
        ),
        noTarget: true,
      },
      {
        id: 'history-per-checkpoint',
        title: 'workflow history per checkpoint, read-and-commit path',
        comparedWith: 'the records-through-the-workflow path, same sync',
        target: `≤ ${MAX_HISTORY_BYTES_PER_CHECKPOINT / 1024} KB per checkpoint (read-and-commit)`,
        ours: batchHistory,
        baseline: recordsHistory,
        ratio: batchHistory.median / recordsHistory.median,
        ratioText: `${kb(batchHistory.median)} vs ${kb(recordsHistory.median)} per checkpoint`,
        meets: batchHistory.median <= MAX_HISTORY_BYTES_PER_CHECKPOINT,
        details: [
          `The server's \`historySizeBytes\` (DescribeWorkflowExecution) of every run of each timed sync's chain, summed, divided by the checkpoints committed (the streams' checkpoint numbers in PostgreSQL, summed). It includes each run's fixed part (start input, \`startSync\`, completion).`,
          `Read-and-commit, every sync: ${describe(histories.batch)}; median ${runsOf(histories.batch)} run(s) per ${total.toLocaleString('en')} records.`,
          `Records through the workflow, every sync: ${describe(histories.records)}; median ${runsOf(histories.records)} run(s) per ${total.toLocaleString('en')} records.`,
        ],
      },
    ];
  },
};

/** The runs of a finished sync, their history bytes summed, and its checkpoints. */
async function historyOf(
  ctx: BenchContext,
  temporal: BenchTemporal,
  sync: { readonly workflowId: string; readonly firstRunId: string; readonly connectionId: string },
): Promise<HistoryOfSync> {
  const runs = await workflowRuns(temporal.client, sync.workflowId, sync.firstRunId);
  const checkpoints = (await ctx.backend.getCheckpoints(sync.connectionId)).reduce(
    (sum, c) => sum + c.checkpoint,
    0,
  );
  return {
    runs: runs.length,
    bytes: runs.reduce((sum, r) => sum + r.historyBytes, 0),
    checkpoints,
  };
}

function kb(bytes: number): string {
  return bytes >= 10 * 1024 ** 2
    ? `${(bytes / 1024 ** 2).toFixed(0)} MB`
    : bytes >= 1024 ** 2
      ? `${(bytes / 1024 ** 2).toFixed(1)} MB`
      : `${(bytes / 1024).toFixed(1)} KB`;
}
