import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerKills } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('a worker SIGKILLed at random moments and at every fault point of syncBatch loses and doubles nothing', async () => {
  const result = await runScenarioAtTestSize(workerKills);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  const own = f.killsInRead + f.killsAfterRead + f.killsAfterCommit;
  assert.ok(f.harnessKills + own >= TEST_SIZE.kills, result.context);
  assert.deepEqual(
    [f.killsInRead, f.killsAfterRead, f.killsAfterCommit],
    [1, 1, TEST_SIZE.killsAfterCommit],
    'each chosen batch killed its worker once, at its fault point',
  );
  assert.equal(
    f.killsAfterCommitConfirmed,
    f.killsAfterCommit,
    'each retry after a kill after the commit found its batch committed',
  );
  assert.equal(
    f.killsBeforeCommitConfirmed,
    f.killsInRead + f.killsAfterRead,
    'each retry after a kill before the commit committed the batch itself',
  );
  assert.equal(f.recordsChecked, TEST_SIZE.records * 3);
  assert.deepEqual(
    [f.lost, f.duplicated, f.mismatched, f.backwardsMoves, f.workerCrashes],
    [0, 0, 0, 0, 0],
  );
});
