import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BENCH_CASES } from '../../bench/cases';
import { runBenchmarks } from '../../bench/harness';
import { renderReport } from '../../bench/report';
import { TINY_SIZES } from '../../bench/sizes';

/**
 * The benchmark harness at a tiny size, so that `npm run bench` never rots. Its figures mean
 * nothing at this size: no timing is asserted, only that every case ran and reported its row.
 */
describe('the benchmark harness', () => {
  test('runs every case at a tiny size and writes a report with every row', async () => {
    const run = await runBenchmarks({ profile: 'tiny', sizes: TINY_SIZES, log: () => undefined });
    const report = renderReport(run);
    const expected = BENCH_CASES.flatMap((c) => c.rowIds);
    assert.deepEqual(
      run.rows.map((row) => row.id),
      expected,
      'one row per case row, in order',
    );
    for (const row of run.rows) {
      assert.equal(row.error, undefined, `${row.id} ran without failing`);
      assert.ok(report.includes(`| ${row.title} |`), `the table has the row of ${row.id}`);
      assert.ok(report.includes(`### ${row.id}`), `the details have ${row.id}`);
      if (row.meets === undefined) {
        assert.ok(
          ['pyairbyte-write', 'connector-race'].includes(row.id),
          'only the rows against PyAirbyte may be skipped (no PyAirbyte or connector installed)',
        );
        assert.ok(row.note, 'a skipped row says why');
      } else {
        assert.ok(Number.isFinite(row.ours?.median), `${row.id} measured something`);
      }
    }
    for (const section of ['## Results', '## Method', '## Machine', 'Load average']) {
      assert.ok(report.includes(section), `the report has ${section}`);
    }
  });
});
