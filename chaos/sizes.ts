import type { ChaosSize } from './scenario';

/**
 * The size of `npm run chaos`: over 100 worker kills (half of the harness's aimed at a commit in
 * flight, a quarter of all right after a commit), over 500,000 records checked one by one, every
 * network fault; under 30 minutes on 2 cores.
 */
export const FULL_SIZE: ChaosSize = {
  records: 45_000,
  smallRecords: 8_000,
  batchSize: 500,
  kills: 55,
  killsAfterCommit: 15,
  killsBeforeCommit: 10,
  maxKillDelayMs: 1000,
  severalWorkersKills: 48,
  severalWorkersRecords: 20_000,
  aimedShare: 0.6,
  databaseRestarts: 3,
  temporalRestarts: 3,
  fencingRounds: 2,
  networkRecords: 12_000,
  partitions: 12,
  zombieRounds: 6,
  zombieRecords: 60_000,
  hostDeaths: 3,
  databaseCrashes: 4,
  badInputs: 10_000,
  syncTimeoutMs: 20 * 60_000,
};

/** The size of the scenarios in `npm test`: each well under a minute on a loaded 2-core machine. */
export const TEST_SIZE: ChaosSize = {
  records: 800,
  smallRecords: 400,
  batchSize: 100,
  kills: 4,
  killsAfterCommit: 1,
  killsBeforeCommit: 2,
  maxKillDelayMs: 200,
  severalWorkersKills: 4,
  severalWorkersRecords: 400,
  aimedShare: 1 / 3,
  databaseRestarts: 1,
  temporalRestarts: 1,
  fencingRounds: 1,
  networkRecords: 800,
  partitions: 2,
  zombieRounds: 1,
  zombieRecords: 2_400,
  hostDeaths: 1,
  databaseCrashes: 1,
  badInputs: 300,
  syncTimeoutMs: 150_000,
};
