import assert from 'node:assert/strict';
import { test } from 'node:test';
import { temporalRestart } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('a Temporal server SIGKILLed and started again mid-sync: the workflow continues and completes exactly', async () => {
  const result = await runScenarioAtTestSize(temporalRestart);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  assert.equal(f.temporalRestarts, TEST_SIZE.temporalRestarts);
  assert.equal(f.recordsChecked, TEST_SIZE.smallRecords * 3);
  assert.deepEqual(
    [f.lost, f.duplicated, f.mismatched, f.backwardsMoves, f.workerCrashes],
    [0, 0, 0, 0, 0],
  );
});
