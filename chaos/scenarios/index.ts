/** The scenarios of `npm run chaos`, in the order they run. */
import type { Scenario } from '../scenario';
import { badInput } from './bad-input';
import { databaseCrash } from './database-crash';
import { databaseRestart } from './database-restart';
import { dbPartition } from './db-partition';
import { fencing } from './fencing';
import { hostDies } from './host-dies';
import { severalWorkers } from './several-workers';
import { slowNetwork } from './slow-network';
import { temporalPartition } from './temporal-partition';
import { temporalRestart } from './temporal-restart';
import { recordsPathKills, workerKills } from './worker-kills';

export const SCENARIOS: readonly Scenario[] = [
  workerKills,
  recordsPathKills,
  severalWorkers,
  databaseRestart,
  temporalRestart,
  fencing,
  dbPartition,
  temporalPartition,
  slowNetwork,
  hostDies,
  databaseCrash,
  badInput,
];

export {
  badInput,
  databaseCrash,
  databaseRestart,
  dbPartition,
  fencing,
  hostDies,
  severalWorkers,
  slowNetwork,
  temporalPartition,
  temporalRestart,
  recordsPathKills,
  workerKills,
};
