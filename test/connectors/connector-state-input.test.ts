import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { SqlStateBackend, startSync } from '../../src';
import { syncConnector } from '../../src/connectors/sync-connector';
import { withTestDatabase } from '../helpers/database';

/**
 * The connector's `--state` file holds the stored state exactly: a cursor beyond 2^53 that
 * PyAirbyte wrote reaches the connector with its own digits, not rounded (which would skip
 * records).
 */
const db = withTestDatabase();
const root = join(__dirname, '..', '..');
const python = join(root, '.venv', 'bin', 'python');
const fake = { executable: join(__dirname, 'fixtures/fake-source.mjs'), name: 'fake' };
let backend: SqlStateBackend;

before(async () => {
  await db.ready();
  if (!existsSync(python))
    throw new Error('No .venv: run `bash scripts/setup-python.sh` (CI does) to install PyAirbyte.');
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 4 });
});
after(async () => {
  await backend?.close();
});

describe('the connector state input', () => {
  test('a connector resumes from exactly the integer PyAirbyte stored', async () => {
    // Claimed while there is no state yet: startSync would refuse to hand a workflow that integer.
    await startSync(backend, {
      connectionId: 'big',
      sourceName: 'fake',
      tablePrefix: 'big_',
      owner: 'run-1',
    });
    const message =
      '{"type":"STREAM","stream":{"stream_descriptor":{"name":"alpha"},"stream_state":{"cursor":1790000000000000123}}}';
    const child = promisify(execFile)(
      python,
      [
        join(root, 'test/pyairbyte/pyairbyte_state.py'),
        '--url',
        db.url,
        '--schema',
        'public',
      ].concat(['write', '--source', 'fake', '--table-prefix', 'big_']),
      { timeout: 120_000 },
    );
    child.child.stdin?.end(message);
    await child;

    const received = join(mkdtempSync(join(tmpdir(), 'state-input-')), 'state.json');
    const outcome = await syncConnector(
      backend,
      {
        connectionId: 'big',
        connector: fake,
        config: { streams: { alpha: 3 }, saveStateTo: received },
        destination: { tablePrefix: 'big_' },
      },
      { runOwner: 'run-1', attempt: 1 },
    ).then(
      () => 'returned',
      (error: unknown) => error,
    );
    const [stored] = await backend
      .fork()
      .execute<{ state_json: string }[]>(
        `select state_json from _airbyte_state where source_name = 'fake' and stream_name = 'alpha'`,
      );
    assert.match(stored?.state_json ?? '', /"cursor":1790000000000000123\}/);
    assert.equal(
      readFileSync(received, 'utf8'),
      `[${stored?.state_json}]`,
      "PyAirbyte's row, as it is",
    );
    // The run's result reports all the source's state as JSON (the activity's result), which
    // cannot carry that integer: it ends with the named error, after the connector read.
    assert.ok(outcome instanceof Error, `the run ${String(outcome)}`);
    assert.equal((outcome as { type?: unknown }).type, 'UnsafeInteger', outcome.message);
    assert.equal((outcome as { integer?: unknown }).integer, '1790000000000000123');
  });
});
