import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { reportPath } from '../../bench/report';

/** Only a full run of every case may replace the published BENCHMARKS.md. */
describe('where npm run bench writes its report', () => {
  const root = '/repo';

  test('a full run of every case writes BENCHMARKS.md', () => {
    assert.equal(reportPath(root, 'full', undefined), join(root, 'BENCHMARKS.md'));
    assert.equal(reportPath(root, 'full', []), join(root, 'BENCHMARKS.md'));
  });

  test('a tiny or quick run never writes BENCHMARKS.md', () => {
    assert.equal(reportPath(root, 'tiny', undefined), join(root, '.tmp', 'BENCHMARKS.tiny.md'));
    assert.equal(reportPath(root, 'quick', undefined), join(root, '.tmp', 'BENCHMARKS.quick.md'));
  });

  test('a run of some cases only never writes BENCHMARKS.md, whatever its size', () => {
    assert.equal(
      reportPath(root, 'full', ['state-write']),
      join(root, '.tmp', 'BENCHMARKS.full.partial.md'),
    );
    assert.equal(
      reportPath(root, 'tiny', ['state-write']),
      join(root, '.tmp', 'BENCHMARKS.tiny.partial.md'),
    );
  });
});
