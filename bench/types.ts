import type { Pool } from 'pg';
import type { SqlStateBackend } from '../src/backend/sql-state-backend';
import type { Figure } from './measure';
import type { BenchSizes } from './sizes';
import type { BenchTemporal } from './worker/bench-temporal';

/** What every case gets from the runner: one database, one backend, one raw pool. */
export interface BenchContext {
  readonly sizes: BenchSizes;
  /** URL of the benchmark's own database. */
  readonly databaseUrl: string;
  /** The library, as users open it (`SqlStateBackend.connect`, pool of 10). */
  readonly backend: SqlStateBackend;
  /** The raw baseline: a `pg` pool of the same size on the same database. */
  readonly pool: Pool;
  /** The Temporal server, worker bundle and an in-process worker; started on first use. */
  temporal(): Promise<BenchTemporal>;
  /** Progress lines (stderr); the report gets only the results. */
  log(message: string): void;
}

/** One row of the report's table. */
export interface CaseRow {
  /** Stable id, also the key the smoke test checks. */
  readonly id: string;
  /** What is measured. */
  readonly title: string;
  /** The baseline it is measured against. */
  readonly comparedWith: string;
  /** The target, in words. */
  readonly target: string;
  readonly ours?: Figure;
  readonly baseline?: Figure;
  /** The ratio in the target's sense (e.g. ours / raw throughput), when there is one. */
  readonly ratio?: number;
  /** How the ratio reads, e.g. `0.91× raw throughput`. */
  readonly ratioText: string;
  /** Whether the target is met; `undefined` when the case was skipped. */
  readonly meets: boolean | undefined;
  /** A row with no target, for comparison: the verdict shows `—`. Default: false. */
  readonly noTarget?: boolean;
  /** Why it was skipped, or what the reader must know about this row. */
  readonly note?: string;
  /** Lines for the report's details section. */
  readonly details: readonly string[];
  /** The case failed with this message: no figures. */
  readonly error?: string;
}

/** A benchmark case: runs against the context and returns its rows. */
export interface BenchCase {
  /** Id used by `--only`. */
  readonly id: string;
  /** Whether it needs the Temporal server (started only when some selected case does). */
  readonly needsTemporal: boolean;
  /** The rows this case reports, even when it fails or is skipped (the smoke test checks them). */
  readonly rowIds: readonly string[];
  run(ctx: BenchContext): Promise<CaseRow[]>;
}

export type { Figure } from './measure';
