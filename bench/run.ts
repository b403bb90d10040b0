/**
 * `npm run bench [-- --quick | --tiny] [--only case,case] [--out FILE]`: runs the benchmark
 * cases (bench/cases/); the full run writes BENCHMARKS.md, the smaller ones only print their
 * table unless --out names a file. Starts an embedded PostgreSQL unless DATABASE_URL is set, and
 * a Temporal dev server unless TEMPORAL_ADDRESS is set.
 * Exits 1 when a case failed to run (a missed target is a result, not a failure), 2 on bad usage.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const HELP = `Usage: npm run bench [-- options]

Runs the benchmark cases (bench/cases/) on an embedded PostgreSQL and Temporal dev server (or
DATABASE_URL, TEMPORAL_ADDRESS) and prints their table.

Options:
  --quick            smaller sizes, for a look while working (prints; writes nothing)
  --tiny             the smallest sizes, the smoke test of npm test (prints; writes nothing)
  --only CASE,CASE   only these cases
  --out FILE         write the report there (default: BENCHMARKS.md for the full run only)
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
import { runBenchmarks } from './harness';
import { renderReport, writeReport } from './report';
import { PROFILES, type ProfileName } from './sizes';

async function main(): Promise<number> {
  const values = options();
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const profile: ProfileName = values.tiny ? 'tiny' : values.quick ? 'quick' : 'full';
  const run = await runBenchmarks({
    profile,
    sizes: PROFILES[profile],
    only: values.only?.split(',').filter(Boolean),
  });
  // Only the full run's rows are the published numbers: a smaller run never replaces them.
  const out =
    values.out ?? (profile === 'full' ? join(__dirname, '..', 'BENCHMARKS.md') : undefined);
  if (out) await writeReport(out, run);
  const report = renderReport(run);
  const table = report.slice(report.indexOf('| case'), report.indexOf('## Method'));
  console.log(
    `${table.trim()}\n\n${out ? `bench: wrote ${out}` : `bench: ${profile} run, nothing written (--out FILE writes it)`}`,
  );
  return run.rows.some((row) => row.error !== undefined) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
