/** The scenarios of `npm run chaos`, in the order they run. */
import type { Scenario } from '../scenario';
import { databaseRestart } from './database-restart';
import { dbPartition } from './db-partition';
import { fencing } from './fencing';
import { severalWorkers } from './several-workers';
import { temporalPartition } from './temporal-partition';
import { temporalRestart } from './temporal-restart';
import { workerKills } from './worker-kills';

export const SCENARIOS: readonly Scenario[] = [
  workerKills,
  severalWorkers,
  databaseRestart,
  temporalRestart,
  fencing,
  dbPartition,
  temporalPartition,
];

export {
  databaseRestart,
  dbPartition,
  fencing,
  severalWorkers,
  temporalPartition,
  temporalRestart,
  workerKills,
};
