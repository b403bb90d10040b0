/**
 * How big each benchmark case runs. `full` is what BENCHMARKS.md publishes, `quick` is for a
 * look while working (`npm run bench -- --quick`), `tiny` is the smoke test inside `npm test`.
 */
export interface BenchSizes {
  /** Timed runs per case; the report gives their median. */
  readonly runs: number;
  /** State writes per timed run of the writer (and of raw `pg`). */
  readonly stateWrites: number;
  /** State writes per run of PyAirbyte's writer (each run pays ~5 s to import airbyte). */
  readonly pyairbyteWrites: number;
  /** Runs of PyAirbyte's writer. */
  readonly pyairbyteRuns: number;
  /** Records per batch of `commitBatch` and of the Temporal syncs. */
  readonly batchSize: number;
  /** Batches per timed run of `commitBatch` (and of the raw transaction). */
  readonly commitBatches: number;
  /** Streams of the source whose state `getStateProvider` reads. */
  readonly providerStreams: number;
  /** Records of one Temporal sync (one stream, `users`). */
  readonly syncRecords: number;
  /** Runs of each Temporal sync variant. */
  readonly syncRuns: number;
  /** Records of the sync over which the worker's memory is sampled. */
  readonly memoryRecords: number;
  /** Syncs run at once on one worker. */
  readonly concurrentSyncs: number;
  /** Records of each of those syncs (and of the single sync they are compared with). */
  readonly concurrentRecords: number;
  /** Runs of the concurrent case. */
  readonly concurrentRuns: number;
  /** Records of one connector read in the race against PyAirbyte (one stream, `products`). */
  readonly raceRecords: number;
  /** Timed runs of each side of that race. */
  readonly raceRuns: number;
}

/** The published run: the sizes the issue asks for. */
export const FULL_SIZES: BenchSizes = {
  runs: 5,
  stateWrites: 2000,
  pyairbyteWrites: 500,
  pyairbyteRuns: 3,
  batchSize: 1000,
  commitBatches: 20,
  providerStreams: 10_000,
  syncRecords: 200_000,
  syncRuns: 3,
  memoryRecords: 2_000_000,
  concurrentSyncs: 50,
  concurrentRecords: 10_000,
  concurrentRuns: 2,
  raceRecords: 200_000,
  raceRuns: 3,
};

/** A shorter run with the same shape: smaller syncs, fewer runs. */
export const QUICK_SIZES: BenchSizes = {
  runs: 3,
  stateWrites: 500,
  pyairbyteWrites: 200,
  pyairbyteRuns: 1,
  batchSize: 1000,
  commitBatches: 5,
  providerStreams: 10_000,
  syncRecords: 50_000,
  syncRuns: 1,
  memoryRecords: 200_000,
  concurrentSyncs: 50,
  concurrentRecords: 2000,
  concurrentRuns: 1,
  raceRecords: 50_000,
  raceRuns: 1,
};

/** Every case at a size that runs in seconds; its figures mean nothing. */
export const TINY_SIZES: BenchSizes = {
  runs: 2,
  stateWrites: 10,
  pyairbyteWrites: 5,
  pyairbyteRuns: 1,
  batchSize: 20,
  commitBatches: 2,
  providerStreams: 50,
  syncRecords: 60,
  syncRuns: 1,
  memoryRecords: 100,
  concurrentSyncs: 5,
  concurrentRecords: 40,
  concurrentRuns: 1,
  raceRecords: 100,
  raceRuns: 1,
};

/** The profiles by name. */
export const PROFILES = { full: FULL_SIZES, quick: QUICK_SIZES, tiny: TINY_SIZES } as const;

/** A profile's name. */
export type ProfileName = keyof typeof PROFILES;
