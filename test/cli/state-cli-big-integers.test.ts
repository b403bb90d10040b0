import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type AirbyteStateMessage, parseExactJson, SqlStateBackend } from '../../src';
import { withTestDatabase } from '../helpers/database';

/**
 * `state get` and `state set` keep integers beyond 2^53 exactly: the state that PyAirbyte wrote
 * (Python ints) prints with its own digits and goes back into the database with them.
 */
const projectRoot = resolve(__dirname, '../..');
const python = join(projectRoot, '.venv', 'bin', 'python');
const db = withTestDatabase();
const scratch = mkdtempSync(join(tmpdir(), 'state-cli-big-'));
let backend: SqlStateBackend;

const USERS =
  '{"type":"STREAM","stream":{"stream_descriptor":{"name":"users","namespace":null},' +
  '"stream_state":{"since_id":1790000000000000123}}}';
const LEGACY = '{"type":"LEGACY","data":{"lsn":-12345678901234567891}}';

before(async () => {
  await db.ready();
  writeFileSync(join(scratch, 'temporal.toml'), '[profile.default]\n'); // none of this machine's
  if (!existsSync(python))
    throw new Error('No .venv: run `bash scripts/setup-python.sh` (CI does) to install PyAirbyte.');
  backend = await SqlStateBackend.connect({ url: db.url }); // our tables first, PyAirbyte writes into them
  const child = promisify(execFile)(
    python,
    [
      join(projectRoot, 'test/pyairbyte/pyairbyte_state.py'),
      '--url',
      db.url,
      '--schema',
      'public',
    ].concat(['write', '--source', 'source-big']),
    { timeout: 120_000 },
  );
  child.child.stdin?.end(`[${USERS}, ${LEGACY}]`);
  await child;
});
after(async () => {
  await backend?.close();
});

/** Runs the CLI as a subprocess, without Temporal (a change then proceeds with a warning). */
function cli(
  args: readonly string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')),
  );
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args],
      {
        cwd: projectRoot,
        env: { ...env, DATABASE_URL: db.url, TEMPORAL_CONFIG_FILE: join(scratch, 'temporal.toml') },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function storedJson(source: string, stream: string): Promise<string | undefined> {
  const rows = await backend
    .fork()
    .execute<{ state_json: string }[]>(
      'select state_json from _airbyte_state where source_name = ? and stream_name = ?',
      [source, stream],
    );
  return rows[0]?.state_json;
}

describe('state get and state set with integers beyond 2^53', () => {
  test('state get prints the digits PyAirbyte stored, as a table and as --json', async () => {
    const plain = await cli(['state', 'get', 'source-big']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^_LEGACY +\{"lsn":-12345678901234567891\}$/m);
    assert.match(plain.stdout, /^users +\{"since_id":1790000000000000123\}$/m);

    const asJson = await cli(['state', 'get', 'source-big', '--json']);
    assert.equal(asJson.code, 0, asJson.stderr);
    assert.match(asJson.stdout, /"since_id": 1790000000000000123\n/);
    const { messages } = parseExactJson(asJson.stdout) as { messages: AirbyteStateMessage[] };
    assert.deepEqual(
      messages.map((m) => m.stream?.stream_state?.since_id ?? m.data?.lsn),
      [-12345678901234567891n, 1790000000000000123n],
    );
  });

  test('state set writes them back with the same digits: get --json, set, get round-trips', async () => {
    const get = await cli(['state', 'get', 'source-big', '--json']);
    assert.equal(get.code, 0, get.stderr);
    const json = get.stdout;
    const set = await cli(['state', 'set', 'source-copy', '--input-file', '-'], json);
    assert.equal(set.code, 0, set.stderr);
    assert.match(
      (await storedJson('source-copy', 'users')) ?? '',
      /"since_id":1790000000000000123\}/,
    );
    assert.match(
      (await storedJson('source-copy', '_LEGACY')) ?? '',
      /"lsn":-12345678901234567891\}/,
    );
    const again = await cli(['state', 'get', 'source-copy', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      (parseExactJson(again.stdout) as { messages: unknown }).messages,
      (parseExactJson(json) as { messages: unknown }).messages,
    );
  });

  test("state set takes a connector's state file with an integer of any size", async () => {
    const file =
      '[{"type":"GLOBAL","global":{"shared_state":{"lsn":123456789012345678901234567890},"stream_states":[]}}]';
    const set = await cli(['state', 'set', 'source-cdc', '--input-file', '-'], file);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(
      await storedJson('source-cdc', '_GLOBAL'),
      '{"type":"GLOBAL","global":{"shared_state":{"lsn":123456789012345678901234567890},"stream_states":[]}}',
    );
  });
});
