import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type AirbyteStateMessage, SqlStateBackend } from '../../src';
import { withTestDatabase } from '../helpers/database';

/** The rough edges a new user hit with the state CLI (issue 17), run as users run it, without Temporal. */
const projectRoot = resolve(__dirname, '../..');
const db = withTestDatabase();
let backend: SqlStateBackend;
// A temporal.toml without an address, so that none of this machine's settings apply.
const toml = join(mkdtempSync(join(tmpdir(), 'state-cli-edges-')), 'temporal.toml');
writeFileSync(toml, '[profile.default]\n');

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
});
after(async () => {
  await backend?.close();
});

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: readonly string[], stdin = ''): Promise<CliRun> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')),
  );
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args],
      // No Temporal: changes proceed with a warning that no running sync was checked.
      {
        cwd: projectRoot,
        env: { ...env, DATABASE_URL: db.url, TEMPORAL_CONFIG_FILE: toml },
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

const stream = (name: string, cursor: unknown): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } as never },
});

const streamsOf = async (source: string, options: { tablePrefix?: string } = {}) =>
  (await backend.getStateProvider(source, options)).stateMessageArtifacts.map(
    (m) => m.stream?.stream_descriptor.name,
  );

describe('state CLI rough edges', () => {
  test('get without --table-prefix names the prefixes that do have state', async () => {
    await backend
      .getStateWriter('px-src', { tablePrefix: 'demo_1_' })
      .writeStates([stream('users', 1), stream('orders', 2)]);
    const run = await cli(['state', 'get', 'px-src']);
    assert.equal(run.code, 3, run.stderr);
    assert.equal(
      run.stderr.trim(),
      'error: No state stored for source "px-src". It has state with --table-prefix demo_1_ (2 streams).',
    );
  });

  test('get --json of prefixed state, then set of that file, writes it back under its prefix', async () => {
    await backend
      .getStateWriter('rt-src', { tablePrefix: 'p_' })
      .writeStates([stream('users', 1), stream('orders', 2)]);
    const got = await cli(['state', 'get', 'rt-src', '--table-prefix', 'p_', '--json']);
    assert.equal(got.code, 0, got.stderr);
    const edited = got.stdout.replace(/"cursor":\s*1\b/, '"cursor": 5');
    const set = await cli(['state', 'set', 'rt-src', '--input-file', '-'], edited);
    assert.equal(set.code, 0, set.stderr);
    assert.doesNotMatch(set.stderr, /writing it as the state of/, 'no other owner');
    assert.match(set.stdout, /of source "rt-src" with table prefix "p_"/);
    assert.deepEqual(await streamsOf('rt-src'), [], 'nothing written under the prefix ""');
    const users = (await backend.getStateProvider('rt-src', { tablePrefix: 'p_' })).getStreamState(
      'users',
    );
    assert.deepEqual(users?.stream?.stream_state, { cursor: 5 });
  });

  test('set prints its streams and versions as aligned columns', async () => {
    const set = await cli(
      ['state', 'set', 'al-src', '--input-file', '-'],
      JSON.stringify([stream('u', 1), stream('a_long_stream_name', 2)]),
    );
    assert.equal(set.code, 0, set.stderr);
    const rows = set.stdout
      .split('\n')
      .filter((l) => /^\S+\s+\d+$/.test(l) || l.startsWith('STREAM'));
    assert.equal(rows.length, 3, set.stdout);
    const column = rows.map((l) => l.search(/\S+$/));
    assert.equal(new Set(column).size, 1, `the versions start in one column:\n${set.stdout}`);
  });

  test('clear needs --stream or --all-streams; --dry-run changes nothing', async () => {
    await backend.getStateWriter('cl-src').writeStates([stream('a', 1), stream('b', 2)]);
    const bare = await cli(['state', 'clear', 'cl-src']);
    assert.equal(bare.code, 2);
    assert.equal(
      bare.stderr.trim(),
      'error: state clear needs --stream NAME (repeat for more) or --all-streams to clear every stream.',
    );
    const dry = await cli(['state', 'clear', 'cl-src', '--all-streams', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Would remove the state of 2 streams of source "cl-src" \(dry run/);
    assert.deepEqual(await streamsOf('cl-src'), ['a', 'b']);
    const all = await cli(['state', 'clear', 'cl-src', '--all-streams']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /Removed the state of 2 streams/);
    assert.deepEqual(await streamsOf('cl-src'), []);
  });

  test('sync status of an unknown connection prints the error alone, no warning', async () => {
    const run = await cli(['sync', 'status', 'nosuch']);
    assert.equal(run.code, 3);
    assert.equal(
      run.stderr.trim(),
      'error: No sync of connection "nosuch" is known: no workflow sync-nosuch, and no commit of it in the state history. --source names the state it syncs.',
    );
  });
});
