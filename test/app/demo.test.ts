import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { before, describe, test } from 'node:test';
import { runDemo } from '../../examples/support/run-demo';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();

before(async () => {
  await db.ready();
});

describe('npm run demo', () => {
  test('a shortened demo syncs, retries a failed batch, syncs incrementally and prints the final state', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const saved = { db: process.env.DATABASE_URL, temporal: process.env.TEMPORAL_ADDRESS };
    process.env.DATABASE_URL = db.url; // the demo's own PostgreSQL is the test database; its Temporal is embedded
    delete process.env.TEMPORAL_ADDRESS;
    try {
      const result = await runDemo({
        recordsPerStream: 300,
        newRecordsPerStream: 50,
        batchSize: 100,
        failBatch: 2,
        out,
        logFile: join(mkdtempSync(join(tmpdir(), 'demo-test-')), 'demo.log'),
      });
      assert.equal(result.first.recordsCommitted, 900);
      assert.equal(result.second.recordsCommitted, 1050);
      assert.equal(
        result.second.batchesCommitted - result.first.batchesCommitted,
        3,
        'the second sync read one batch per stream',
      );
      assert.equal(result.retried, 3, 'batch 2 of each stream failed once and was retried');
      assert.equal(result.duplicates, 0);
      assert.equal(result.missing, 0);
      assert.match(result.uiAddress ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      process.env.DATABASE_URL = saved.db;
      if (saved.temporal) process.env.TEMPORAL_ADDRESS = saved.temporal;
    }
    assert.match(
      printed,
      /retried: syncBatch failed on attempt 1 \("injected failure of users batch 2 \(attempt 1\)"\)/,
    );
    assert.match(
      printed,
      /workflow history: \d+ runs?, [\d,]+ events, [\d.]+ KB \([\d.]+ (KB|B) per checkpoint\): the records never entered it/,
    );
    assert.match(printed, /stream\s+records\s+checkpoint\s+cursor \(stream_state\)\s+last commit/);
    for (const stream of ['products', 'purchases', 'users'])
      assert.match(
        printed,
        new RegExp(`${stream}\\s+350\\s+4\\s+\\{"updated_at":"2024-01-01T00:05:50.000Z"\\}`),
      );
    assert.match(printed, /Destination: 1,050 rows in .*; duplicates: 0, missing: 0/);
    assert.match(printed, /in the Temporal UI at http:\/\/127\.0\.0\.1:\d+/);
  });
});
