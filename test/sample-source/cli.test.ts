import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  toStateInputFileText,
  validateStateMessage,
  type AirbyteStateMessage,
} from '../../src/protocol';
import { configuredCatalog, discover, readBatch, runCli } from '../../examples/sample-source';

const projectRoot = path.resolve(__dirname, '../..');
const bin = path.join(projectRoot, 'examples/sample-source/main.ts');

interface Run {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

/** Runs the connector as a subprocess, the way a platform runs one, and parses its stdout lines. */
function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        // Every line must be one JSON message: that is the protocol.
        const lines = stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        resolve({ code, lines, stderr });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

const ofType = (run: Run, type: string) => run.lines.filter((line) => line.type === type);
type RecordLine = { record: { stream: string; data: { id: number } } };
type StateLine = { state: AirbyteStateMessage };

let dir = '';
const file = async (name: string, content: unknown): Promise<string> => {
  const target = path.join(dir, name);
  await writeFile(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
};

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sample-source-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the sample-source CLI', () => {
  test('answers spec with one SPEC message', async () => {
    const result = await run(['spec']);
    assert.equal(result.code, 0);
    assert.equal(result.lines.length, 1);
    assert.equal(result.lines[0]?.type, 'SPEC');
  });

  test('answers check with SUCCEEDED for a good config and FAILED for a bad one', async () => {
    const good = await run(['check', '--config', await file('good.json', { count: 10 })]);
    assert.deepEqual(
      [good.code, good.lines],
      [0, [{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } }]],
    );
    const bad = await run(['check', '--config', await file('bad.json', { count: 'ten' })]);
    assert.equal(bad.code, 0);
    assert.match(
      JSON.stringify(bad.lines),
      /"status":"FAILED","message":"Invalid config\.count: expected an integer/,
    );
  });

  test('answers discover with the catalog', async () => {
    const result = await run(['discover', '--config', await file('config.json', {})]);
    assert.deepEqual([result.code, result.lines], [0, [{ type: 'CATALOG', catalog: discover() }]]);
  });

  test('reads records and valid states as JSON lines, then reads only new ones from its own state', async () => {
    const catalog = await file(
      'catalog.json',
      configuredCatalog('incremental', ['users', 'purchases']),
    );
    const first = await run([
      'read',
      '--config',
      await file('c1.json', { count: 25, records_per_batch: 10, seed: 3 }),
      '--catalog',
      catalog,
    ]);
    assert.equal(first.code, 0, first.stderr);
    const records = ofType(first, 'RECORD') as RecordLine[];
    assert.deepEqual(
      records.filter((r) => r.record.stream === 'users').map((r) => r.record.data),
      readBatch({ stream: 'users', limit: 25, seed: 3, count: 25 }).records,
    );
    const states = (ofType(first, 'STATE') as StateLine[]).map((line) =>
      validateStateMessage(line.state),
    );
    assert.equal(states.length, 6);
    assert.equal(ofType(first, 'LOG').length, 2);

    const state = await file('state.json', toStateInputFileText(states));
    const second = await run([
      'read',
      '--config',
      await file('c2.json', { count: 30, seed: 3 }),
      '--catalog',
      catalog,
      '--state',
      state,
    ]);
    assert.equal(second.code, 0, second.stderr);
    const ids = (ofType(second, 'RECORD') as RecordLine[]).map(
      (r) => `${r.record.stream}#${r.record.data.id}`,
    );
    assert.deepEqual(ids, [
      'users#26',
      'users#27',
      'users#28',
      'users#29',
      'users#30',
      'purchases#26',
      'purchases#27',
      'purchases#28',
      'purchases#29',
      'purchases#30',
    ]);
  });

  test('takes an empty state file as no state', async () => {
    const args = [
      'read',
      '--config',
      await file('c3.json', { count: 2 }),
      '--catalog',
      await file('cat3.json', configuredCatalog('incremental', ['users'])),
    ];
    const result = await run([...args, '--state', await file('empty.json', '{}')]);
    assert.equal(ofType(result, 'RECORD').length, 2);
  });

  test('fails bad input with one TRACE error message, exit code 1 and no records', async () => {
    const config = await file('ok.json', { count: 5 });
    const catalog = await file('cat.json', configuredCatalog());
    const cases: [string[], RegExp][] = [
      [['read', '--config', config], /Invalid --catalog: expected a file path/],
      [
        ['read', '--config', config, '--catalog', path.join(dir, 'missing.json')],
        /Invalid --catalog: expected a readable file/,
      ],
      [
        ['read', '--config', await file('notjson.json', '{'), '--catalog', catalog],
        /Invalid --config: expected a file of JSON/,
      ],
      [
        [
          'read',
          '--config',
          config,
          '--catalog',
          catalog,
          '--state',
          await file('st.json', '[{"type":"STREAM"}]'),
        ],
        /Invalid state message at \$\[0\]\.stream/,
      ],
      [['sync'], /Invalid command line: expected spec \| check/],
      [['spec', '--verbose'], /Invalid command line: .*--verbose/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(ofType(result, 'RECORD').length, 0);
      const traces = ofType(result, 'TRACE') as {
        trace: { type: string; error: { message: string; failure_type: string } };
      }[];
      assert.equal(traces.length, 1);
      assert.equal(traces[0]?.trace.type, 'ERROR');
      assert.equal(traces[0]?.trace.error.failure_type, 'config_error');
      assert.match(traces[0]?.trace.error.message ?? '', message);
    }
  });

  test('stops promptly, with exit code 1, when its reader goes away', async () => {
    const args = [
      'read',
      '--config',
      await file('big.json', { count: 1_000_000 }),
      '--catalog',
      await file('cat4.json', configuredCatalog()),
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1);
  });
});

describe('runCli', () => {
  test('waits for a slow reader instead of buffering the whole read', async () => {
    let maxBuffered = 0;
    let lines = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        lines += chunk.toString('utf8').split('\n').length - 1;
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        setTimeout(callback, 1);
      },
    });
    const config = await file('slow.json', { count: 5000 });
    const code = await runCli(
      ['read', '--config', config, '--catalog', await file('cat5.json', configuredCatalog())],
      slow,
    );
    assert.equal(code, 0);
    assert.equal(lines, 15_000 + 15 + 2);
    // One 64 KiB chunk (plus the line that crossed the mark) in flight at most, out of about 4 MB.
    assert.ok(maxBuffered < 80 * 1024, `buffered up to ${maxBuffered} bytes`);
  });
});
