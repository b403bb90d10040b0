/**
 * `npm run bench [-- --quick | --tiny] [--only case,case] [--out FILE]`: runs the benchmark
 * cases (bench/cases/) and writes the report: BENCHMARKS.md for a full run of every case, else
 * .tmp/BENCHMARKS.<profile>.md (see {@link reportPath}). Starts an embedded PostgreSQL unless
 * DATABASE_URL is set, and a Temporal dev server unless TEMPORAL_ADDRESS is set.
 * Exits 1 when a case failed to run (a missed target is a result, not a failure), 2 on bad usage.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBenchmarks } from './harness';
import { renderReport, reportPath, writeReport } from './report';
import { PROFILES, type ProfileName } from './sizes';

const HELP = `Usage: npm run bench [-- options]

Runs the benchmark cases (bench/cases/) on an embedded PostgreSQL and Temporal dev server (or
DATABASE_URL, TEMPORAL_ADDRESS), prints their table and writes the report.

Options:
  --quick            smaller sizes, for a look while working
  --tiny             the smallest sizes, the smoke test of npm test
  --only CASE,CASE   only these cases
  --out FILE         where to write the report (default: BENCHMARKS.md for a full run of every
                     case, else .tmp/BENCHMARKS.<profile>.md)
  -h, --help         show this help

Exit codes: 0 done, 1 a case failed to run, 2 bad usage.`;

/** The options, strictly: an unknown one is a usage error (exit 2), not a full run. */
function options() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        tiny: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(
      `error: ${(error as Error).message.split('\n')[0]}. See: npm run bench -- --help`,
    );
    return process.exit(2);
  }
}

async function main(): Promise<number> {
  const values = options();
  if (values.help) {
    console.log(HELP);
    return 0;
  }
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
