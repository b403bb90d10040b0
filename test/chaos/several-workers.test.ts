import assert from 'node:assert/strict';
import { test } from 'node:test';
import { severalWorkers } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('three workers on one task queue, two of them killed again and again, deliver every record once', async () => {
  const result = await runScenarioAtTestSize(severalWorkers);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  assert.ok(f.harnessKills >= 1, result.context);
  assert.equal(f.killsAfterCommitConfirmed, f.killsAfterCommit);
  assert.equal(f.recordsChecked, TEST_SIZE.severalWorkersRecords * 3);
  assert.deepEqual(
    [f.lost, f.duplicated, f.mismatched, f.backwardsMoves, f.workerCrashes],
    [0, 0, 0, 0, 0],
  );
});
