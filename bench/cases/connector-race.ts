import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSyncWorkflow } from '../../src/client/sync-workflows';
import { createDatabase, dropDatabase } from '../../examples/servers/databases';
import type { ConnectorSyncResult } from '../../workflows/connector-sync-workflow';
import { alternate, figure, timeMs } from '../measure';
import type { BenchCase, BenchContext, CaseRow } from '../types';
import type { BenchTemporal } from '../worker/bench-temporal';
import { HARDCODED_RECORDS } from '../worker/bench-connectors';

const ROOT = join(__dirname, '..', '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const SCRIPT = join(ROOT, 'bench', 'python', 'pyairbyte_read.py');
/** The stream raced: a small flat record, so that the connector is not what is measured. */
const STREAM = 'products';
/** Records of the untimed warm-up run of each side (connections, JIT, the connector's pages). */
const WARM_UP_RECORDS = 1000;

const ROW = {
  id: 'connector-race',
  title: 'a real connector synced into PostgreSQL',
  comparedWith:
    "PyAirbyte's own `source.read()` into its `PostgresCache` (same connector executable, same server)",
  target: '≥ 1× PyAirbyte throughput',
} as const;

/**
 * The race of issue 16: airbyte-source-hardcoded-records through `connectorSyncWorkflow` (our
 * worker, committing at each STATE) against PyAirbyte's `source.read()` of the same executable
 * into a database of its own on the same server; records/s of each, rows counted on both sides.
 * Skipped, with a note, when .venv has no PyAirbyte or the connector is not installed.
 */
export const connectorRaceCase: BenchCase = {
  id: 'connector-race',
  needsTemporal: true,
  rowIds: [ROW.id],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const missing = await missingParts();
    if (missing)
      return [{ ...ROW, ratioText: 'skipped', meets: undefined, note: missing, details: [] }];
    const temporal = await ctx.temporal();
    const n = ctx.sizes.raceRecords;
    const count = (run: number) => (run === 0 ? Math.min(n, WARM_UP_RECORDS) : n);
    const theirs = await createDatabase(
      ctx.databaseUrl,
      `${new URL(ctx.databaseUrl).pathname.slice(1)}_pyairbyte`,
    );
    const cacheDir = await mkdtemp(join(tmpdir(), 'bench-pyairbyte-'));
    const pyWall: number[] = [];
    try {
      ctx.log(`  ${ctx.sizes.raceRuns} run(s) of ${n} records each side`);
      const samples = await temporal.withWorker(() =>
        alternate(
          ctx.sizes.raceRuns,
          {
            ours: async (run) => count(run) / (await oursSeconds(ctx, temporal, run, count(run))),
            pyairbyte: async (run) => {
              const result = await pyairbyteRead(theirs.url, cacheDir, run, count(run));
              if (run > 0) pyWall.push(result.wallSeconds);
              return count(run) / result.seconds;
            },
          },
          // Each PyAirbyte run pays ~10 s of start-up: warm up only where the figures mean something.
          { warmUp: n > WARM_UP_RECORDS * 10 },
        ),
      );
      const ours = figure(samples.ours, 'records/s');
      const baseline = figure(samples.pyairbyte, 'records/s');
      const ratio = ours.median / baseline.median;
      return [
        {
          ...ROW,
          title: `${ROW.title}: ${n.toLocaleString('en')} records`,
          ours,
          baseline,
          ratio,
          ratioText: `${ratio.toFixed(2)}× PyAirbyte throughput`,
          meets: ratio >= 1,
          details: [
            `airbyte-source-hardcoded-records 0.0.48 (\`.venv-connectors\`), stream \`${STREAM}\`, \`count: ${n}\`, append on both sides; each run writes a table of its own and the rows in it are counted and must equal the records emitted (else the case fails).`,
            `Ours: \`connectorSyncWorkflow\` on the in-process benchmark worker (\`SyncStatePlugin\`, connector activities), timed from the workflow's start to its result: discover, read, the commits (at each STATE; this connector sends one, at the end, and the records beyond 10,000 are written ahead in its transaction).`,
            `PyAirbyte: \`get_source(local_executable=...)\` and \`source.read(cache=PostgresCache(...), write_strategy="append")\` in a database of its own on the same server, timed inside Python around those two calls (not \`import airbyte\`; with it and the process, ${pyWall.length ? median(pyWall).toFixed(1) : '?'} s a run).`,
          ],
        },
      ];
    } finally {
      await dropDatabase(ctx.databaseUrl, theirs.name);
      await rm(cacheDir, { recursive: true, force: true });
    }
  },
};

async function oursSeconds(
  ctx: BenchContext,
  temporal: BenchTemporal,
  run: number,
  count: number,
): Promise<number> {
  const prefix = `race_r${run}_`;
  let result: ConnectorSyncResult | undefined;
  const ms = await timeMs(async () => {
    const handle = await startSyncWorkflow(
      temporal.client,
      {
        connectionId: `bench-race-r${run}`,
        connector: HARDCODED_RECORDS.name,
        config: { count },
        streams: [{ name: STREAM, writeStrategy: 'append' }],
        destination: { tablePrefix: prefix },
      },
      { taskQueue: temporal.taskQueue, workflowType: 'connectorSyncWorkflow' },
    );
    result = (await handle.result()) as ConnectorSyncResult;
  });
  const rows = await ctx.pool.query<{ n: string }>(
    `select count(*) as n from "${prefix}${STREAM}"`,
  );
  const committed = result?.run.recordsCommitted;
  if (committed !== count || Number(rows.rows[0]?.n) !== count)
    throw new Error(
      `our sync r${run} committed ${committed} records and left ${rows.rows[0]?.n} rows, expected ${count}`,
    );
  return ms / 1000;
}

async function pyairbyteRead(
  url: string,
  cacheDir: string,
  run: number,
  count: number,
): Promise<{ seconds: number; wallSeconds: number }> {
  let stdout = '';
  const wallMs = await timeMs(async () => {
    ({ stdout } = await promisify(execFile)(
      PYTHON,
      [
        SCRIPT,
        ...['--url', url, '--schema', `race_r${run}`, '--name', HARDCODED_RECORDS.name],
        ...['--executable', HARDCODED_RECORDS.executable, '--config', JSON.stringify({ count })],
        ...['--streams', STREAM],
      ],
      { cwd: cacheDir, timeout: 1_800_000, maxBuffer: 16 * 1024 * 1024 },
    ));
  });
  const result = JSON.parse(stdout) as {
    seconds: number;
    processed_records: number;
    rows: Record<string, number>;
  };
  if (result.processed_records !== count || result.rows[STREAM] !== count)
    throw new Error(
      `PyAirbyte's read r${run} processed ${result.processed_records} records and left ${result.rows[STREAM]} rows, expected ${count}`,
    );
  return { seconds: result.seconds, wallSeconds: wallMs / 1000 };
}

/** Why the race cannot run here, or `undefined` when it can. */
async function missingParts(): Promise<string | undefined> {
  if (!existsSync(HARDCODED_RECORDS.executable))
    return 'airbyte-source-hardcoded-records is not installed: run `bash scripts/setup-connectors.sh source-hardcoded-records`';
  if (!existsSync(PYTHON)) return 'no Python in .venv: run `bash scripts/setup-python.sh`';
  try {
    await promisify(execFile)(PYTHON, [
      '-c',
      'import importlib.metadata as m; m.version("airbyte")',
    ]);
    return undefined;
  } catch {
    return 'PyAirbyte is not installed in .venv: run `bash scripts/setup-python.sh` to install it';
  }
}

function median(values: readonly number[]): number {
  return figure(values, '').median;
}
