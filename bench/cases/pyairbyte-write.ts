import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alternate, figure } from '../measure';
import type { BenchCase, BenchContext, CaseRow } from '../types';
import { benchStateMessage, WRITE_STREAMS, writesPerSecond } from './state-write';

const ROOT = join(__dirname, '..', '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const SCRIPT = join(ROOT, 'test', 'pyairbyte', 'pyairbyte_state.py');
/** PyAirbyte gets a schema of its own: its tables as PyAirbyte creates them. */
const SCHEMA = 'pyairbyte_bench';

const ROW = {
  id: 'pyairbyte-write',
  title: 'one state write',
  comparedWith: "PyAirbyte's own `SqlStateWriter` on the same PostgreSQL",
  target: '≥ 2× PyAirbyte throughput',
} as const;

/**
 * One state write against PyAirbyte's `SqlStateWriter.write_state` on the same database, timed
 * inside Python (`bench-write` of test/pyairbyte/pyairbyte_state.py), so that the ~5 s import
 * of airbyte is not counted. Skipped, with a note, when .venv has no PyAirbyte.
 */
export const pyairbyteWriteCase: BenchCase = {
  id: 'pyairbyte-write',
  needsTemporal: false,
  rowIds: [ROW.id],
  async run(ctx: BenchContext): Promise<CaseRow[]> {
    const skipped = (note: string): CaseRow[] => [
      { ...ROW, ratioText: 'skipped', meets: undefined, note, details: [] },
    ];
    if (!existsSync(PYTHON)) {
      return skipped(
        `no Python in .venv: run \`bash scripts/setup-python.sh\` to install PyAirbyte`,
      );
    }
    const version = await pyairbyteVersion();
    if (!version) {
      return skipped(
        'PyAirbyte is not installed in .venv: run `bash scripts/setup-python.sh` to install it',
      );
    }
    await ctx.pool.query(`create schema if not exists ${SCHEMA}`);
    const n = ctx.sizes.pyairbyteWrites;
    const writer = ctx.backend.getStateWriter('bench-vs-pyairbyte');
    for (let i = 1; i <= 20; i++) await writer.writeState(benchStateMessage(i)); // warm-up
    ctx.log(`  PyAirbyte ${version}: ${ctx.sizes.pyairbyteRuns} run(s) of ${n} writes`);
    const samples = await alternate(
      ctx.sizes.pyairbyteRuns,
      {
        ours: () =>
          writesPerSecond(n, async (i) => {
            await writer.writeState(benchStateMessage(i));
          }),
        pyairbyte: (run) => pyairbyteWritesPerSecond(ctx.databaseUrl, `bench-py-${run}`, n),
      },
      { warmUp: false },
    );
    const ours = figure(samples.ours, 'writes/s');
    const theirs = figure(samples.pyairbyte, 'writes/s');
    const ratio = ours.median / theirs.median;
    return [
      {
        ...ROW,
        ours,
        baseline: theirs,
        ratio,
        ratioText: `${ratio.toFixed(1)}× PyAirbyte throughput`,
        meets: ratio >= 2,
        details: [
          `PyAirbyte ${version} (SQLAlchemy, psycopg2) in schema \`${SCHEMA}\`, its own tables; ours in \`public\`.`,
          `${n} sequential writes per run, ${WRITE_STREAMS} streams, the same messages; PyAirbyte timed in-process (time.perf_counter around its write loop, after connecting and creating its tables).`,
        ],
      },
    ];
  },
};

async function pyairbyteWritesPerSecond(url: string, source: string, n: number): Promise<number> {
  const { stdout } = await promisify(execFile)(
    PYTHON,
    [
      SCRIPT,
      '--url',
      url,
      '--schema',
      SCHEMA,
      'bench-write',
      '--source',
      source,
      '--n',
      String(n),
      '--streams',
      String(WRITE_STREAMS),
    ],
    { timeout: 600_000 },
  );
  const result = JSON.parse(stdout) as { writes_per_second: number };
  return result.writes_per_second;
}

/** PyAirbyte's version in .venv, without importing it (which takes seconds). */
async function pyairbyteVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(PYTHON, [
      '-c',
      'import importlib.metadata as m; print(m.version("airbyte"))',
    ]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
