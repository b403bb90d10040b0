import type { ChaosSize } from './scenario';

/** The size of `npm run chaos`: a 51,000-record sync under 24 kills, and the other scenarios. */
export const FULL_SIZE: ChaosSize = {
  records: 17_000,
  smallRecords: 8_000,
  batchSize: 500,
  kills: 24,
  killsAfterCommit: 8,
  maxKillDelayMs: 1000,
  severalWorkersKills: 12,
  databaseRestarts: 3,
  temporalRestarts: 3,
  fencingRounds: 2,
  networkRecords: 8_000,
  partitions: 12,
  zombieRounds: 6,
  hostDeaths: 3,
  databaseCrashes: 4,
  syncTimeoutMs: 20 * 60_000,
};

/** The size of the scenarios in `npm test`: each well under a minute on a loaded 2-core machine. */
export const TEST_SIZE: ChaosSize = {
  records: 800,
  smallRecords: 400,
  batchSize: 100,
  kills: 3,
  killsAfterCommit: 1,
  maxKillDelayMs: 200,
  severalWorkersKills: 4,
  databaseRestarts: 1,
  temporalRestarts: 1,
  fencingRounds: 1,
  networkRecords: 1_000,
  partitions: 2,
  zombieRounds: 1,
  hostDeaths: 1,
  databaseCrashes: 1,
  syncTimeoutMs: 150_000,
};
