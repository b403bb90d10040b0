/**
 * `npm run bench [-- --quick | --tiny] [--only case,case] [--out FILE]`: runs the benchmark
 * cases (bench/cases/) and writes the report: BENCHMARKS.md for a full run of every case, else
 * .tmp/BENCHMARKS.<profile>.md (see {@link reportPath}). Starts an embedded PostgreSQL unless
 * DATABASE_URL is set, and a Temporal dev server unless TEMPORAL_ADDRESS is set.
 * Exits 1 when a case failed to run (a missed target is a result, not a failure).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBenchmarks } from './harness';
import { renderReport, reportPath, writeReport } from './report';
import { PROFILES, type ProfileName } from './sizes';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      tiny: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const profile: ProfileName = values.tiny ? 'tiny' : values.quick ? 'quick' : 'full';
  const only = values.only?.split(',').filter(Boolean);
  const out = values.out ?? reportPath(join(__dirname, '..'), profile, only);
  const run = await runBenchmarks({
    profile,
    sizes: PROFILES[profile],
    only,
  });
  await writeReport(out, run);
  const report = renderReport(run);
  const table = report.slice(report.indexOf('| case'), report.indexOf('## Method'));
  console.log(`${table.trim()}\n\nbench: wrote ${out}`);
  return run.rows.some((row) => row.error !== undefined) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
