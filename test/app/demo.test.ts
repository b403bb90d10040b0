import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { runDemo } from '../../examples/support/run-demo';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
const root = join(__dirname, '..', '..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command a kept demo printed, with the variables it printed to export, as a user would. */
function runPrinted(printed: string): Promise<Run> {
  const exports: Record<string, string> = {};
  for (const m of printed.matchAll(/^ {2}export (\w+)='?([^'\n]*)'?$/gm))
    exports[m[1] ?? ''] = m[2] ?? '';
  const toml = join(mkdtempSync(join(tmpdir(), 'demo-kept-')), 'temporal.toml');
  writeFileSync(toml, '[profile.default]\n'); // none of this machine's Temporal settings
  const args = /^ {2}npm run cli -- (state get .*)$/m.exec(printed)?.[1]?.split(' ') ?? [];
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TEMPORAL_CONFIG_FILE: toml,
          ...exports,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

before(async () => {
  await db.ready();
});

describe('npm run demo', () => {
  test('a shortened demo syncs, retries a failed batch, syncs incrementally, prints the final state; kept, it prints exports and commands that work, and stops on a signal', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    let kept: Run | undefined;
    // While the demo is kept, its printed commands are run; then it is stopped as SIGTERM would.
    const keepUntil = new Promise<string>((resolve, reject) => {
      const onData = () => {
        if (!printed.includes("The demo's worker serves task queue")) return;
        out.off('data', onData);
        runPrinted(printed).then((run) => {
          kept = run;
          resolve('SIGTERM');
        }, reject);
      };
      out.on('data', onData);
    });
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
        keepUntil,
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
    assert.match(
      printed,
      new RegExp(
        `^ {2}export DATABASE_URL='${db.url.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}'$`,
        'm',
      ),
    );
    assert.equal(kept?.code, 0, `the printed state get command works: ${kept?.stderr}`);
    for (const stream of ['products', 'purchases', 'users'])
      assert.match(kept?.stdout ?? '', new RegExp(`^${stream}\\s+\\{"updated_at"`, 'm'));
    assert.match(
      printed,
      /SIGTERM: stopping the worker, Temporal and PostgreSQL\.\.\.\nStopped\.\n$/,
    );
  });

  test('demo refuses an unknown option or a bad number in one line, exit 2, before starting anything', async () => {
    for (const args of [['--bogus'], ['--records', 'abc']])
      await assert.rejects(
        promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', join(root, 'examples/demo.ts'), ...args],
          {
            cwd: root,
            env: { PATH: process.env.PATH, HOME: process.env.HOME },
          },
        ),
        (error: { code: number; stderr: string }) => {
          assert.equal(error.code, 2, args.join(' '));
          assert.match(error.stderr, /^error: [^\n]*(--bogus|--records)[^\n]*\n$/);
          assert.doesNotMatch(error.stderr, /log/, 'no log to point to: nothing ran');
          return true;
        },
      );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(root, 'examples/demo.ts'), '--help'],
      { cwd: root },
    );
    assert.match(stdout, /^Usage: npm run demo/);
    assert.match(stdout, /--keep/);
  });
});
