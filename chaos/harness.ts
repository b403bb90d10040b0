/**
 * Runs scenarios against servers of their own (servers.ts): a PostgreSQL (embedded and durable,
 * or a server given by URL) and a Temporal dev server with on-disk state, on this host or, for
 * the network scenarios, on separate hosts of a network lab; and a workflow bundle built once.
 * Each scenario gets its own database and folder of evidence under the run's folder.
 */
import { appendFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { type ServerSet, startServers } from './servers';
import { SeededRandom } from './random';
import { type ChaosSize, emptyFigures, type Scenario, type ScenarioResult } from './scenario';

/** Options of {@link runChaos}. */
export interface RunChaosOptions {
  readonly seed: number;
  readonly size: ChaosSize;
  readonly scenarios: readonly Scenario[];
  /** The folder of the run's evidence (created). */
  readonly runDir: string;
  /** A PostgreSQL the harness does not own (its user may CREATE DATABASE). Default: an embedded one. */
  readonly adminUrl?: string;
  /** Where progress lines go (they also go to `runDir/run.log`). Default: nowhere else. */
  readonly onLog?: (line: string) => void;
}

/** Everything a run found. */
export interface ChaosReport {
  readonly seed: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly size: ChaosSize;
  readonly runDir: string;
  readonly postgres: 'embedded' | 'external';
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly passed: boolean;
  readonly scenarios: readonly ScenarioResult[];
}

/** Starts the servers, runs the scenarios one after the other, stops the servers, writes `report.json`. */
export async function runChaos(options: RunChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  await mkdir(options.runDir, { recursive: true });
  const log = (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    appendFileSync(join(options.runDir, 'run.log'), `${stamped}\n`);
    options.onLog?.(line);
  };
  log(`seed ${options.seed}: replay with npm run chaos -- --seed ${options.seed}`);
  const servers = await startServers(options.scenarios, options.runDir, options.adminUrl, log);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of options.scenarios) {
      const set = servers.setFor(scenario);
      results.push(
        await runScenario(scenario, options, {
          ...set,
          workflowBundle: servers.workflowBundle,
          log,
        }),
      );
    }
  } finally {
    await servers.close();
  }
  const report: ChaosReport = {
    seed: options.seed,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    size: options.size,
    runDir: options.runDir,
    postgres: options.adminUrl ? 'external' : 'embedded',
    machine: { cpus: cpus().length, node: process.version },
    passed: results.length === options.scenarios.length && results.every((r) => r.passed),
    scenarios: results,
  };
  await writeFile(join(options.runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (report.passed) {
    // The bulky parts; the report, the events and the logs stay.
    await rm(join(options.runDir, 'workflow-bundle.js'), { force: true });
    for (const file of ['temporal.db', 'lab-temporal.db'])
      await rm(join(options.runDir, file), { force: true });
  }
  return report;
}

async function runScenario(
  scenario: Scenario,
  options: RunChaosOptions,
  servers: ServerSet & { workflowBundle: string; log: (line: string) => void },
): Promise<ScenarioResult> {
  const dir = join(options.runDir, scenario.name);
  await mkdir(dir, { recursive: true });
  const database = `chaos_${scenario.name.replaceAll('-', '_')}_${Date.now().toString(36)}`;
  const started = Date.now();
  servers.log(`${scenario.name}: ${scenario.title}`);
  let result: ScenarioResult;
  try {
    const databaseUrl = await servers.postgres.createDatabase(database);
    result = await scenario.run({
      seed: options.seed,
      random: new SeededRandom(options.seed, scenario.name),
      size: options.size,
      dir,
      databaseUrl,
      postgres: servers.postgres,
      temporal: servers.temporal,
      client: servers.client,
      workflowBundle: servers.workflowBundle,
      network: servers.network,
      log: servers.log,
    });
  } catch (error) {
    result = harnessFailure(scenario, error, Date.now() - started);
  }
  const f = result.figures;
  servers.log(
    `${scenario.name}: ${result.passed ? 'PASSED' : 'FAILED'} in ${(f.durationMs / 1000).toFixed(1)} s: ` +
      `${f.recordsChecked} records checked, lost ${f.lost}, duplicated ${f.duplicated}, mismatched ${f.mismatched}; ` +
      `kills ${f.harnessKills} by the harness + ${f.killsInRead} in a read, ${f.killsAfterRead} after a read, ${f.killsAfterCommit} after a commit; restarts: database ${f.databaseRestarts}, Temporal ${f.temporalRestarts}; ` +
      `monitor ${f.monitorSamples} reads, ${f.backwardsMoves} backwards`,
  );
  for (const problem of result.problems) servers.log(`${scenario.name}: PROBLEM: ${problem}`);
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (result.passed) await servers.postgres.dropDatabase(database).catch(() => undefined);
  else servers.log(`${scenario.name}: evidence in ${dir} (database ${database} kept)`);
  return result;
}

function harnessFailure(scenario: Scenario, error: unknown, durationMs: number): ScenarioResult {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    name: scenario.name,
    title: scenario.title,
    passed: false,
    problems: [`the harness failed: ${message}`],
    figures: emptyFigures(durationMs),
    checks: [],
    monitor: { samples: 0, failedReads: 0, moves: 0, backwards: [], maxConnections: {} },
    notes: [],
  };
}
