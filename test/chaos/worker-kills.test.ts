import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerKills } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('a worker SIGKILLed at random moments and right after commits loses and doubles nothing', async () => {
  const result = await runScenarioAtTestSize(workerKills);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  assert.ok(f.harnessKills + f.killsAfterCommit >= TEST_SIZE.kills, result.context);
  assert.equal(
    f.killsAfterCommit,
    TEST_SIZE.killsAfterCommit,
    'each chosen batch killed its worker once',
  );
  assert.equal(
    f.killsAfterCommitConfirmed,
    f.killsAfterCommit,
    'each retry found its batch committed',
  );
  assert.equal(f.recordsChecked, TEST_SIZE.records * 3);
  assert.deepEqual(
    [f.lost, f.duplicated, f.mismatched, f.backwardsMoves, f.workerCrashes],
    [0, 0, 0, 0, 0],
  );
});
