import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type AirbyteStateMessage, SqlStateBackend } from '../../src';
import { withTestDatabase } from '../helpers/database';

/**
 * PyAirbyte and this library share one PostgreSQL: each reads what the other wrote. The
 * PyAirbyte side is PyAirbyte's own code, run by test/pyairbyte/pyairbyte_state.py.
 */
const db = withTestDatabase();
const root = join(__dirname, '..', '..');
const python = join(root, '.venv', 'bin', 'python');
let backend: SqlStateBackend;

before(async () => {
  await db.ready();
  if (!existsSync(python))
    throw new Error('No .venv: run `bash scripts/setup-python.sh` (CI does) to install PyAirbyte.');
  backend = await SqlStateBackend.connect({ url: db.url, schema: 'shared' });
});
after(async () => {
  await backend?.close();
});

async function pyairbyte(args: string[], input?: unknown): Promise<Record<string, unknown>> {
  const child = promisify(execFile)(
    python,
    [join(__dirname, 'pyairbyte_state.py'), '--url', db.url, '--schema', 'shared', ...args],
    {
      timeout: 120_000,
    },
  );
  child.child.stdin?.end(input === undefined ? '' : JSON.stringify(input));
  const { stdout } = await child;
  return JSON.parse(stdout) as Record<string, unknown>;
}

const stream = (name: string, cursor: string): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name, namespace: null }, stream_state: { updated_at: cursor } },
});

describe('sharing a database with PyAirbyte', () => {
  test('what PyAirbyte wrote before we ever ran, we adopt and read unchanged', async () => {
    // A schema of its own: PyAirbyte creates its tables first, then our migrations adopt them.
    const first = new SqlStateBackend(backend.orm, { schema: 'pyfirst' });
    await pyairbyte(['--schema', 'pyfirst', 'ensure-tables']);
    const written = await pyairbyte(
      ['--schema', 'pyfirst', 'write', '--source', 'source-faker'],
      [stream('users', 'a'), { type: 'LEGACY', data: { c: 1 } }],
    );
    const stored = (written.state_json as string[]).map(
      (json) => JSON.parse(json) as AirbyteStateMessage,
    );
    const provider = await first.getStateProvider('source-faker');
    assert.deepEqual(
      provider.stateMessageArtifacts,
      [stored[1], stored[0]],
      'LEGACY first: rows come ordered by stream name',
    );
    assert.equal(provider.getStreamState('users').stream?.stream_state?.updated_at, 'a');
  });

  test('what we write, PyAirbyte reads, and its state file is ours', async () => {
    await backend
      .getStateWriter('source-ours')
      .writeStates([stream('users', 'u1'), stream('products', 'p1')]);
    const read = await pyairbyte(['read', '--source', 'source-ours']);
    assert.deepEqual(new Set(read.known_stream_names as string[]), new Set(['users', 'products']));
    const ours = await backend.getStateProvider('source-ours');
    const theirs = read.messages as AirbyteStateMessage[];
    for (const message of ours.stateMessageArtifacts) {
      const name = message.stream?.stream_descriptor.name;
      const match = theirs.find((m) => m.stream?.stream_descriptor.name === name);
      assert.deepEqual(
        match?.stream,
        message.stream,
        `PyAirbyte reads the state of ${name} as we wrote it`,
      );
    }
  });

  test("PyAirbyte's writes still work on our migrated tables, and we read them", async () => {
    await pyairbyte(['write', '--source', 'source-theirs'], [stream('users', 'v2')]);
    await pyairbyte(
      ['write', '--source', 'source-theirs', '--destination', 'duckdb'],
      [stream('users', 'd2')],
    );
    assert.equal(
      (await backend.getStateProvider('source-theirs')).getStreamState('users').stream?.stream_state
        ?.updated_at,
      'v2',
    );
    const destination = await backend.getStateProvider('source-theirs', {
      destinationName: 'duckdb',
    });
    assert.equal(destination.getStreamState('users').stream?.stream_state?.updated_at, 'd2');
  });
});
