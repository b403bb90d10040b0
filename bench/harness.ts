import { Pool } from 'pg';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SqlStateBackend } from '../src/backend/sql-state-backend';
import { BENCH_CASES } from './cases';
import { openBenchDatabase } from './database';
import { loadAverage, type LoadAverage, machineInfo, type MachineInfo } from './machine';
import type { BenchSizes, ProfileName } from './sizes';
import type { BenchCase, BenchContext, CaseRow } from './types';
import { type BenchTemporal, startBenchTemporal } from './worker/bench-temporal';

/** Options of {@link runBenchmarks}. */
export interface BenchOptions {
  readonly profile: ProfileName;
  readonly sizes: BenchSizes;
  /** Run only these case ids. Default: every case. */
  readonly only?: readonly string[];
  /** Progress output. Default: stderr. */
  readonly log?: (message: string) => void;
}

/** Everything a report needs from one run. */
export interface BenchRun {
  readonly profile: ProfileName;
  readonly sizes: BenchSizes;
  readonly machine: MachineInfo;
  readonly loadAtStart: LoadAverage;
  readonly loadAtEnd: LoadAverage;
  readonly startedAt: Date;
  readonly seconds: number;
  readonly database: { readonly description: string; readonly server: string };
  readonly temporal?: string;
  readonly rows: readonly CaseRow[];
}

let runtimeInstalled = false;

/**
 * Runs the benchmark cases in one process on one fresh database (and, when a selected case
 * needs it, one Temporal server), then stops what it started. A case that throws becomes rows
 * with its error; the others still run.
 */
export async function runBenchmarks(options: BenchOptions): Promise<BenchRun> {
  const log = options.log ?? ((message: string) => console.error(message));
  const cases = selectCases(options.only);
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const machine = machineInfo();
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  log(`bench: starting PostgreSQL${cases.some((c) => c.needsTemporal) ? ' and Temporal' : ''}`);
  const database = await openBenchDatabase();
  let backend: SqlStateBackend | undefined;
  let temporal: Promise<BenchTemporal> | undefined;
  const pool = new Pool({ connectionString: database.url, max: 10 });
  const rows: CaseRow[] = [];
  try {
    // Both start before any case, so that no measurement shares the CPU with a starting server.
    if (cases.some((c) => c.needsTemporal)) temporal = startBenchTemporal(database.url);
    backend = await SqlStateBackend.connect({ url: database.url });
    await temporal;
    const ctx: BenchContext = {
      sizes: options.sizes,
      databaseUrl: database.url,
      backend,
      pool,
      temporal: () => (temporal ??= startBenchTemporal(database.url)),
      log,
    };
    for (const benchCase of cases) {
      const begun = Date.now();
      log(`bench: ${benchCase.id}`);
      rows.push(...(await runCase(benchCase, ctx)));
      log(`bench: ${benchCase.id} done in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    }
  } finally {
    await pool.end();
    await backend?.close();
    const started = await temporal?.catch(() => undefined);
    await started?.close();
    await database.close();
  }
  return {
    profile: options.profile,
    sizes: options.sizes,
    machine,
    loadAtStart,
    loadAtEnd: loadAverage(),
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    database: { description: database.description, server: database.server },
    temporal: temporal ? (await temporal).description : undefined,
    rows,
  };
}

/** The cases with these ids (all when none given); throws on an unknown id. */
export function selectCases(only: readonly string[] | undefined): readonly BenchCase[] {
  if (!only || only.length === 0) return BENCH_CASES;
  const unknown = only.filter((id) => !BENCH_CASES.some((c) => c.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown case ${unknown.join(', ')}; the cases are ${BENCH_CASES.map((c) => c.id).join(', ')}`,
    );
  }
  return BENCH_CASES.filter((c) => only.includes(c.id));
}

async function runCase(benchCase: BenchCase, ctx: BenchContext): Promise<CaseRow[]> {
  try {
    return await benchCase.run(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log(`bench: ${benchCase.id} failed: ${(error instanceof Error && error.stack) || message}`);
    return benchCase.rowIds.map((id) => ({
      id,
      title: id,
      comparedWith: '',
      target: '',
      ratioText: 'failed',
      meets: false,
      error: message,
      details: [],
    }));
  }
}
