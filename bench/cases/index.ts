/** Every benchmark case, in the order they run and appear in the report. */
import { commitBatchCase } from './commit-batch';
import { concurrentSyncsCase } from './concurrent-syncs';
import { connectorRaceCase } from './connector-race';
import { pyairbyteWriteCase } from './pyairbyte-write';
import { readAndCommitCase } from './read-and-commit';
import { stateProviderCase } from './state-provider';
import { stateWriteCase } from './state-write';
import { temporalSyncCase } from './temporal-sync';
import { workerMemoryCase } from './worker-memory';
import type { BenchCase } from '../types';

/** The cases, database-only ones first (they are the most sensitive to a busy machine). */
export const BENCH_CASES: readonly BenchCase[] = [
  stateWriteCase,
  pyairbyteWriteCase,
  commitBatchCase,
  stateProviderCase,
  readAndCommitCase,
  temporalSyncCase,
  workerMemoryCase,
  concurrentSyncsCase,
  connectorRaceCase,
];
