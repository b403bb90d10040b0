import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseRestart } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('a PostgreSQL restart mid-sync is retried: the sync completes exactly, no worker crashes or leaks', async () => {
  // Its own embedded server: npm test's is shared by the other test files.
  const result = await runScenarioAtTestSize(databaseRestart, { ownPostgres: true });
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  assert.equal(f.databaseRestarts, TEST_SIZE.databaseRestarts);
  assert.equal(f.workerCrashes, 0);
  assert.ok(f.maxConnectionsPerWorker <= f.poolSize, result.context);
  assert.equal(f.recordsChecked, TEST_SIZE.smallRecords * 3);
  assert.deepEqual([f.lost, f.duplicated, f.mismatched, f.backwardsMoves], [0, 0, 0, 0]);
});
