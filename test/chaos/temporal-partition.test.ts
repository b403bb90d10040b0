import assert from 'node:assert/strict';
import { test } from 'node:test';
import { temporalPartition } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('a worker cut from Temporal whose commit lands late is refused, leaves no row, and the sync completes exactly', async () => {
  const result = await runScenarioAtTestSize(temporalPartition);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  assert.ok(f.staleCommitsRefused >= 1, result.context);
  assert.ok(f.zombiesChecked >= 1, result.context);
  assert.equal(f.recordsChecked, TEST_SIZE.zombieRecords * 3);
  assert.deepEqual(
    [f.lost, f.duplicated, f.mismatched, f.backwardsMoves, f.workerCrashes],
    [0, 0, 0, 0, 0],
  );
});
