import { type ChildProcess, execFile, fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKER_NODE_OPTIONS, WORKER_PROCESS_ENV } from '../../examples/support/worker-process';
import { figure, median } from '../measure';
import type { BenchCase, BenchContext, CaseRow } from '../types';
import type { BenchTemporal } from '../worker/bench-temporal';
import type { MemoryWorkerConfig, MemoryWorkerMessage } from '../worker/memory-worker';
import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
import { type WorkflowRun, workflowRuns } from '../worker/workflow-runs';
import { runBenchSync } from './bench-sync';

const ROOT = join(__dirname, '..', '..');
const execFileAsync = promisify(execFile);
const MB = 2 ** 20;
/** Peak RSS target. */
const PEAK_LIMIT_MB = 300;
/** "Flat": RSS over the last quarter of the records at most this much above the second quarter. */
const FLAT_TOLERANCE = 0.1;
/** How often the parent pairs the latest RSS sample with the records committed so far. */
const PROGRESS_INTERVAL_MS = 500;

/** What one sync on a worker process of its own showed of the worker's memory. */
interface MemoryRun {
  readonly peakMb: number;
  /** Median RSS over each quarter of the records, in MB. */
  readonly quarters: readonly number[];
  readonly samples: number;
  readonly recordsPerSecond: number;
  readonly last: NodeJS.MemoryUsage | undefined;
  /** The workflow's runs (continue-as-new), first to last. */
  readonly runs: readonly WorkflowRun[];
}

/** Records per which the workflow's runs are counted. */
const RUNS_PER = 1_000_000;

/**
 * The worker's memory over one long sync by `batchSyncWorkflow` (the sample source's three
 * streams): the worker runs in a child process (bench/worker/memory-worker.ts) that reports its
 * RSS; the parent pairs each sample with the records committed so far, so growth shows against
 * record count, not time. For scale, the same sync runs first on a fresh worker process whose
 * state activities commit nothing. Also counts the runs (continue-as-new) of that sync.
 */
export const workerMemoryCase: BenchCase = {
  id: 'worker-memory',
  needsTemporal: true,
  rowIds: ['worker-memory', 'workflow-runs'],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const temporal = await ctx.temporal();
    const perStream = Math.ceil(ctx.sizes.memoryRecords / SAMPLE_STREAM_NAMES.length);
    const total = perStream * SAMPLE_STREAM_NAMES.length;
    const entry = await compileMemoryWorker(); // once for both workers
    const noop = await measureWorkerMemory(ctx, temporal, entry, perStream, true);
    const ours = await measureWorkerMemory(ctx, temporal, entry, perStream, false);
    const runsPer = (run: MemoryRun) => (run.runs.length * RUNS_PER) / total;
    const [, q2 = NaN, , q4 = NaN] = ours.quarters;
    const growth = q4 - q2;
    const flat = Number.isFinite(growth) ? growth <= q2 * FLAT_TOLERANCE : undefined;
    const fmt = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : 'n/a');
    const describe = (run: MemoryRun) =>
      `${run.recordsPerSecond.toFixed(0)} records/s; median RSS per quarter of the records: ${run.quarters.map(fmt).join(', ')} (${run.samples} samples)`;
    const { last } = ours;
    return [
      {
        id: 'worker-memory',
        title: `worker memory over a batch sync of ${total.toLocaleString('en')} records`,
        comparedWith: '— (for scale: the same worker with a no-op `syncBatch`)',
        target: `peak RSS < ${PEAK_LIMIT_MB} MB and flat`,
        ours: { median: ours.peakMb, samples: [ours.peakMb], unit: 'MB peak RSS' },
        baseline: { median: noop.peakMb, samples: [noop.peakMb], unit: 'MB peak RSS' },
        ratio: ours.peakMb / noop.peakMb,
        ratioText: `peak ${fmt(ours.peakMb)} (no-op worker ${fmt(noop.peakMb)}); ${flat === undefined ? 'too few samples to judge growth' : `${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MB from 2nd to 4th quarter (${flat ? 'flat' : 'grows'})`}`,
        meets: ours.peakMb < PEAK_LIMIT_MB && flat !== false,
        details: [
          `One \`batchSyncWorkflow\` of the sample source's three streams (${perStream.toLocaleString('en')} records each, read at once; state activities as activities, batches of ${ctx.sizes.batchSize}) on a worker alone in a child process, compiled by \`tsc\` and run by \`node ${WORKER_NODE_OPTIONS.join(' ')}\` with ${Object.entries(
            WORKER_PROCESS_ENV,
          )
            .map(([k, v]) => `\`${k}=${v}\``)
            .join(
              ', ',
            )}, as the Dockerfile runs the worker (examples/support/worker-process.ts says why). Peak = the process's getrusage high-water mark; flat = RSS over the last quarter of the records at most ${FLAT_TOLERANCE * 100}% above the second quarter.`,
          `With the plugin: ${describe(ours)}.`,
          `No-op state activities (the plugin registered, its activities never called; \`noop.syncBatch\` reads with the same reader and keeps the state in memory): ${describe(noop)}.`,
          last
            ? `Last sample with the plugin: RSS ${fmt(last.rss / MB)}, of which the main thread's V8 heap ${fmt(last.heapTotal / MB)} (${fmt(last.heapUsed / MB)} used) and external ${fmt(last.external / MB)}; the rest is Temporal Core (Rust), the workflow thread's V8 isolate, code and allocator arenas.`
            : 'No RSS sample arrived.',
        ],
      },
      {
        id: 'workflow-runs',
        title: `workflow runs (continue-as-new) per ${RUNS_PER.toLocaleString('en')} records, read-and-commit path`,
        comparedWith: '— (for scale: the same sync with a no-op `syncBatch`)',
        target: 'report (the issue sets no target)',
        ours: figure([runsPer(ours)], 'runs'),
        baseline: figure([runsPer(noop)], 'runs'),
        ratioText: `${ours.runs.length} run(s) over ${total.toLocaleString('en')} records`,
        meets: true,
        noTarget: true,
        details: [
          `The runs of the sync of the row above, followed from its first run through each run's continued-as-new close event; a run continues as new when Temporal suggests it (\`continueAsNewSuggested\`). Per ${RUNS_PER.toLocaleString('en')} records = runs × ${RUNS_PER.toLocaleString('en')} / ${total.toLocaleString('en')}.`,
          `History of each run (server's \`historySizeBytes\`, events): ${ours.runs.map((r) => `${(r.historyBytes / 1024).toFixed(0)} KB, ${r.historyEvents}`).join('; ')}.`,
        ],
      },
    ];
  },
};

async function measureWorkerMemory(
  ctx: BenchContext,
  temporal: BenchTemporal,
  entry: string,
  perStream: number,
  noop: boolean,
): Promise<MemoryRun> {
  const total = perStream * SAMPLE_STREAM_NAMES.length;
  const taskQueue = `${temporal.taskQueue}-memory-${noop ? 'noop' : 'db'}`;
  const child = await startWorkerProcess(ctx, temporal, entry, taskQueue);
  let rssMb = 0;
  let maxRss = 0;
  let last: NodeJS.MemoryUsage | undefined;
  child.on('message', (message: MemoryWorkerMessage) => {
    if (message.type === 'rss') {
      last = message.memory;
      rssMb = message.memory.rss / MB;
    }
    if (message.type === 'done') maxRss = message.maxRss;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const samples: { records: number; rssMb: number }[] = [];
  const connectionId = `bench-memory-${noop ? 'noop' : 'db'}`;
  // The no-op activities keep no checkpoint rows: their progress is counted from the samples'
  // time instead, which is as good for a steady sync.
  const began = performance.now();
  let sync: Awaited<ReturnType<typeof runBenchSync>> | undefined;
  const poll = setInterval(() => {
    if (noop) {
      samples.push({ records: 0, rssMb });
      return;
    }
    ctx.pool
      .query<{ n: string | null }>(
        `select sum(records_committed) as n from ${ctx.backend.tables.checkpoints} where connection_id = $1`,
        [connectionId],
      )
      .then((result) => {
        samples.push({ records: Number(result.rows[0]?.n ?? 0), rssMb });
      })
      .catch(() => undefined); // one missed sample is no loss
  }, PROGRESS_INTERVAL_MS);
  try {
    sync = await runBenchSync(ctx, temporal, {
      count: perStream,
      streams: SAMPLE_STREAM_NAMES,
      label: `memory_${noop ? 'noop' : 'db'}`,
      connectionId,
      taskQueue,
      noop,
    });
  } finally {
    clearInterval(poll);
    if (child.connected) child.send('stop');
    await exited;
  }
  if (noop) {
    // Spread the samples evenly over the records, by time.
    const elapsed = performance.now() - began;
    samples.forEach((sample, i) => {
      sample.records = Math.min(total, ((i + 1) * PROGRESS_INTERVAL_MS * total) / elapsed);
    });
  }
  const quarter = (q: number) =>
    median(
      samples
        .filter((s) => s.records > (total * (q - 1)) / 4 && s.records <= (total * q) / 4)
        .map((s) => s.rssMb),
    );
  return {
    peakMb: maxRss / MB,
    quarters: [quarter(1), quarter(2), quarter(3), quarter(4)],
    samples: samples.length,
    recordsPerSecond: total / (sync.ms / 1000),
    last,
    runs: await workflowRuns(temporal.client, sync.workflowId, sync.firstRunId),
  };
}

async function startWorkerProcess(
  ctx: BenchContext,
  temporal: BenchTemporal,
  entry: string,
  taskQueue: string,
): Promise<ChildProcess> {
  const config: MemoryWorkerConfig = {
    address: temporal.address,
    namespace: temporal.namespace,
    taskQueue,
    bundlePath: temporal.bundlePath,
    databaseUrl: ctx.databaseUrl,
  };
  // The worker as the Dockerfile runs it: compiled JavaScript (no tsx, no loader thread), with
  // the process settings we ship (examples/support/worker-process.ts), and our own execArgv rather than
  // the parent's (--cpu-prof, --test…).
  const child = fork(entry, [JSON.stringify(config)], {
    cwd: ROOT,
    env: { ...process.env, ...WORKER_PROCESS_ENV },
    execArgv: [...WORKER_NODE_OPTIONS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: MemoryWorkerMessage) => message.type === 'ready' && resolve());
    child.once('exit', (code) =>
      reject(new Error(`the worker process exited (${code}) before it was ready`)),
    );
  });
  return child;
}

/**
 * Compiles bench/worker/memory-worker.ts and what it imports with `tsc` (a few seconds), under
 * node_modules/.cache so that the compiled files resolve the project's packages, and returns
 * the entry's path.
 */
async function compileMemoryWorker(): Promise<string> {
  const outDir = join(ROOT, 'node_modules', '.cache', 'temporal-sync-state-bench');
  await rm(outDir, { recursive: true, force: true });
  await execFileAsync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(ROOT, 'bench', 'worker', 'tsconfig.memory-worker.json'),
      '--outDir',
      outDir,
    ],
    { cwd: ROOT },
  );
  return join(outDir, 'bench', 'worker', 'memory-worker.js');
}
