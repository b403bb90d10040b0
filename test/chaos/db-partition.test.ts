import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbPartition } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test("a worker's database link cut mid-commit and healed: every record lands once, no connection is left beyond the pool", async () => {
  const result = await runScenarioAtTestSize(dbPartition);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  assert.equal(f.partitions, TEST_SIZE.partitions, result.context);
  assert.equal(f.recordsChecked, TEST_SIZE.networkRecords * 3);
  assert.deepEqual(
    [f.lost, f.duplicated, f.mismatched, f.backwardsMoves, f.workerCrashes],
    [0, 0, 0, 0, 0],
  );
});
