import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordsPathKills } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('records through the workflow (checkpoint({ records })): worker kills before and after commits lose and double nothing', async () => {
  const result = await runScenarioAtTestSize(recordsPathKills);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  assert.ok(f.killsAfterCommit >= 1 && f.killsAfterRead >= 1, result.context);
  assert.equal(f.killsInRead, 0, 'the records path has no reader inside its commit activity');
  assert.equal(f.killsAfterCommitConfirmed, f.killsAfterCommit, result.context);
  assert.equal(f.killsBeforeCommitConfirmed, f.killsAfterRead, result.context);
  assert.equal(f.recordsChecked, TEST_SIZE.smallRecords * 3);
  assert.deepEqual(
    [f.lost, f.duplicated, f.mismatched, f.backwardsMoves, f.workerCrashes],
    [0, 0, 0, 0, 0],
  );
});
