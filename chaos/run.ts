#!/usr/bin/env node
/**
 * `npm run chaos [-- --seed N] [--scenario NAME[,NAME]] [--records N] [--kills N]`: the fault
 * harness at full size. Starts its own PostgreSQL (embedded, unless DATABASE_URL) and Temporal dev
 * server, runs the scenarios, checks every record, writes the evidence to `.tmp/chaos-<time>/`,
 * and regenerates RELIABILITY.md after a passing full run. Exit code 1 when a scenario failed.
 */
import { join } from 'node:path';
import { runChaos } from './harness';
import { newSeed } from './random';
import { SCENARIOS } from './scenarios';
import { FULL_SIZE, TEST_SIZE } from './sizes';
import { updateReliability } from './report';
import type { ChaosSize } from './scenario';

const USAGE = `Usage: npm run chaos [-- --seed N] [--scenario ${SCENARIOS.map((s) => s.name).join(',')}] [--records N] [--kills N]
  --seed N       replay the schedule of the run with seed N (kills, restarts, races)
  --scenario S   run only these scenarios (comma-separated)
  --records N    records per stream of the worker-kills sync (default ${FULL_SIZE.records})
  --kills N      worker kills in worker-kills (default ${FULL_SIZE.kills})
  --quick        the sizes of npm test (a quick look; RELIABILITY.md is left alone)
RELIABILITY.md is regenerated only by a passing run of every scenario at full size or more.`;

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const seed = numberFlag(args, '--seed') ?? newSeed();
  const names = flag(args, '--scenario')?.split(',');
  const scenarios = names ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  if (names && scenarios.length !== names.length)
    throw new Error(
      `--scenario: unknown name in "${names.join(',')}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  const base = args.includes('--quick') ? TEST_SIZE : FULL_SIZE;
  const size: ChaosSize = {
    ...base,
    records: numberFlag(args, '--records') ?? base.records,
    kills: numberFlag(args, '--kills') ?? base.kills,
  };
  const root = join(__dirname, '..');
  const runDir = join(root, '.tmp', `chaos-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const report = await runChaos({
    seed,
    size,
    scenarios,
    runDir,
    adminUrl: process.env.DATABASE_URL || undefined,
    onLog: (line) => process.stdout.write(`${line}\n`),
  });
  const full =
    scenarios.length === SCENARIOS.length &&
    size.records >= FULL_SIZE.records &&
    size.kills >= FULL_SIZE.kills;
  if (report.passed && full) {
    await updateReliability(join(root, 'RELIABILITY.md'), report);
    process.stdout.write('RELIABILITY.md regenerated with the figures of this run.\n');
  } else if (report.passed) {
    process.stdout.write('Not a full run: RELIABILITY.md left as it was.\n');
  }
  process.stdout.write(
    report.passed
      ? `All ${report.scenarios.length} scenarios passed (seed ${seed}); evidence in ${runDir}\n`
      : `FAILED (seed ${seed}): evidence in ${runDir}; replay with npm run chaos -- --seed ${seed}\n`,
  );
  return report.passed ? 0 : 1;
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

function numberFlag(args: readonly string[], name: string): number | undefined {
  const text = flag(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} expects a whole number, got "${text}"`);
  return value;
}

// Ctrl-C or a kill: exit, so that the exit hooks stop the workers and the servers we started.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    process.stderr.write(`npm run chaos: ${signal}, stopping\n`);
    process.exit(130);
  });

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `npm run chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
