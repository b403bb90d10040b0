import assert from 'node:assert/strict';
import { test } from 'node:test';
import { badInput } from '../../chaos/scenarios';
import { TEST_SIZE } from '../../chaos/sizes';
import { runScenarioAtTestSize } from './run-scenario';

test('generated bad calls of writeState, commitBatch and syncBatch are each refused, non-retryably, and change nothing', async () => {
  const result = await runScenarioAtTestSize(badInput);
  assert.deepEqual(result.problems, [], result.context);
  assert.equal(result.figures.badInputsRefused, TEST_SIZE.badInputs, result.context);
  for (const activity of ['writeState', 'commitBatch', 'syncBatch'])
    assert.match(result.notes.join(' '), new RegExp(`${activity} \\d+`), result.context);
});
