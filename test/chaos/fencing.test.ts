import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fencing } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('two concurrent runs of one connection: the older commit fails with StaleCheckpoint, every id lands once', async () => {
  const result = await runScenarioAtTestSize(fencing);
  const f = result.figures;
  assert.deepEqual(result.problems, [], result.context);
  // One run fenced off per race; each zombie refused by the fence or cancelled by its heartbeat,
  // and checked to have left no row.
  assert.ok(f.staleCommitsRefused >= TEST_SIZE.fencingRounds, result.context);
  assert.ok(f.zombiesChecked >= TEST_SIZE.fencingRounds, result.context);
  assert.equal(f.recordsChecked, TEST_SIZE.smallRecords * 3 * 2 * TEST_SIZE.fencingRounds);
  assert.deepEqual([f.lost, f.duplicated, f.mismatched, f.backwardsMoves], [0, 0, 0, 0]);
});
