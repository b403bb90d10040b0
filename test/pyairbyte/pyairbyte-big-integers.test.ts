import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createStateActivities } from '../../activities';
import {
  type AirbyteStateMessage,
  copyState,
  getState,
  moveState,
  parseExactJson,
  rollbackState,
  SqlStateBackend,
  startSync,
  streamStatesOf,
  stringifyExactJson,
} from '../../src';
import { getStateSnapshot } from '../../src/activity-bodies/state-snapshot';
import { resetStreams } from '../../src/activity-bodies/reset-streams';
import { withTestDatabase } from '../helpers/database';

/**
 * Integers beyond 2^53 that PyAirbyte wrote (Python ints, exact in `state_json`) stay exact
 * through everything that reads or moves state here, and where a JSON number must carry them
 * (to a workflow) they are refused by name instead of rounded.
 */
const db = withTestDatabase();
const root = join(__dirname, '..', '..');
const python = join(root, '.venv', 'bin', 'python');
const SCHEMA = 'shared';
let backend: SqlStateBackend;

/** A message as PyAirbyte receives it: JSON text, so that the integers are Python's, exact. */
const USERS =
  '{"type":"STREAM","stream":{"stream_descriptor":{"name":"users","namespace":null},' +
  '"stream_state":{"since_id":1790000000000000123,"window":[-9223372036854775808,7]}}}';
const ORDERS =
  '{"type":"STREAM","stream":{"stream_descriptor":{"name":"orders"},"stream_state":{"updated_at":"2024-01-01"}}}';

before(async () => {
  await db.ready();
  if (!existsSync(python))
    throw new Error('No .venv: run `bash scripts/setup-python.sh` (CI does) to install PyAirbyte.');
  backend = await SqlStateBackend.connect({ url: db.url, schema: SCHEMA });
  await pyairbyte(['write', '--source', 'source-big'], `[${USERS}, ${ORDERS}]`);
});
after(async () => {
  await backend?.close();
});

/** Runs test/pyairbyte/pyairbyte_state.py with `stdin` as it is; reads its answer exactly. */
async function pyairbyte(args: string[], stdin = ''): Promise<Record<string, unknown>> {
  const child = promisify(execFile)(
    python,
    [join(__dirname, 'pyairbyte_state.py'), '--url', db.url, '--schema', SCHEMA, ...args],
    { timeout: 120_000 },
  );
  child.child.stdin?.end(stdin);
  const { stdout } = await child;
  return parseExactJson(stdout) as Record<string, unknown>;
}

/** The `state_json` of a stream's row, as stored. */
async function storedJson(source: string, stream: string): Promise<string | undefined> {
  const rows = await backend
    .fork()
    .execute<{ state_json: string }[]>(
      `select state_json from "${SCHEMA}"._airbyte_state where source_name = ? and stream_name = ?`,
      [source, stream],
    );
  return rows[0]?.state_json;
}

const byStream = (messages: readonly AirbyteStateMessage[]) =>
  [...messages].sort((a, b) =>
    (a.stream?.stream_descriptor.name ?? '').localeCompare(b.stream?.stream_descriptor.name ?? ''),
  );

const sinceId = (message: AirbyteStateMessage | undefined): unknown =>
  message?.stream?.stream_state?.since_id;

describe('integers beyond 2^53 written by PyAirbyte', () => {
  test("the provider's state file holds them exactly, as PyAirbyte's own state file does", async () => {
    const text = (await backend.getStateProvider('source-big')).toStateInputFileText();
    assert.match(text, /"since_id":1790000000000000123,"window":\[-9223372036854775808,7\]/);
    const theirs = await pyairbyte(['read', '--source', 'source-big']);
    assert.deepEqual(
      byStream(parseExactJson(text) as AirbyteStateMessage[]),
      byStream(parseExactJson(theirs.state_file as string) as AirbyteStateMessage[]),
    );
  });

  test('getStreamState, stateMessageArtifacts and getState give them as exact BigInts', async () => {
    const provider = await backend.getStateProvider('source-big');
    const users = provider.getStreamState('users');
    assert.equal(sinceId(users), 1790000000000000123n);
    assert.deepEqual(users.stream?.stream_state?.window, [-9223372036854775808n, 7]);
    assert.equal(
      sinceId(provider.stateMessageArtifacts.find((m) => sinceId(m) !== undefined)),
      1790000000000000123n,
    );
    const document = await getState(backend, { sourceName: 'source-big' }, { streams: ['users'] });
    assert.equal(sinceId(document.messages[0]), 1790000000000000123n);
  });

  test('what we write as a BigInt, PyAirbyte reads exactly', async () => {
    await backend.getStateWriter('source-ours').writeState({
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'users' },
        stream_state: { since_id: 1790000000000000999n },
      },
    });
    assert.match(
      (await storedJson('source-ours', 'users')) ?? '',
      /"since_id":1790000000000000999\}/,
    );
    const read = await pyairbyte(['read', '--source', 'source-ours']);
    assert.equal(sinceId((read.messages as AirbyteStateMessage[])[0]), 1790000000000000999n);
  });

  test('copy, move and rollback keep them exactly', async () => {
    // The row's text is what PyAirbyte reads (the test above shows it reads such digits exactly).
    await copyState(backend, { sourceName: 'source-big' }, { sourceName: 'source-copy' });
    assert.match(
      (await storedJson('source-copy', 'users')) ?? '',
      /"since_id":1790000000000000123,"window":\[-9223372036854775808,7\]/,
    );

    await moveState(backend, { sourceName: 'source-copy' }, { sourceName: 'source-moved' });
    assert.match(
      (await storedJson('source-moved', 'users')) ?? '',
      /"since_id":1790000000000000123,/,
    );
    const [moved] = await backend.getStateHistory('source-moved', { stream: 'users', limit: 1 });
    await backend.getStateWriter('source-moved').writeState({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'users' }, stream_state: { since_id: 5 } },
    });
    await rollbackState(
      backend,
      { sourceName: 'source-moved' },
      { stream: 'users', to: moved!.version },
    );
    assert.match(
      (await storedJson('source-moved', 'users')) ?? '',
      /"since_id":1790000000000000123,/,
    );
  });

  test('a workflow cannot be handed them: getState and startSync refuse by name, non-retryably', async () => {
    await assert.rejects(getStateSnapshot(backend, { sourceName: 'source-big' }), {
      name: 'UnsafeIntegerError',
      type: 'UnsafeInteger',
      streamName: 'users',
      path: '$.stream.stream_state.since_id',
      integer: '1790000000000000123',
      message:
        /holds the integer 1790000000000000123 at \$\.stream\.stream_state\.since_id.*would become 1790000000000000000.*toStateInputFileText/,
    });
    const activities = createStateActivities(backend);
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'w', runId: 'r' } },
      { logger: new DefaultLogger('ERROR') },
    );
    for (const call of [
      env.run(activities.getState, { sourceName: 'source-big' }),
      env.run(activities.startSync, { connectionId: 'big', sourceName: 'source-big' }),
    ]) {
      const failure = await call.then(
        () => assert.fail('the state was handed out'),
        (error: unknown) => error,
      );
      assert.ok(failure instanceof ApplicationFailure, String(failure));
      assert.equal(failure.type, 'UnsafeInteger');
      assert.equal(failure.nonRetryable, true);
      assert.match(
        failure.message,
        /stream "users" of source "source-big" holds the integer 1790000000000000123/,
      );
    }
    // Streams without such integers are still served.
    const orders = await startSync(backend, {
      connectionId: 'orders-only',
      sourceName: 'source-big',
      streams: ['orders'],
      owner: 'run-1',
    });
    assert.equal(
      stringifyExactJson(streamStatesOf(orders.state?.messages ?? [])),
      '[{"name":"orders","namespace":null,"state":{"updated_at":"2024-01-01"}}]',
    );
    // A run's reset returns the state it removed to the workflow: refused before it removes any.
    const stored = await storedJson('source-big', 'users');
    await assert.rejects(
      resetStreams(backend, {
        connectionId: 'orders-only',
        sourceName: 'source-big',
        epoch: orders.epoch,
        streams: ['users'],
      }),
      { type: 'UnsafeInteger', streamName: 'users', integer: '1790000000000000123' },
    );
    assert.equal(await storedJson('source-big', 'users'), stored);
  });

  test('a number already beyond 2^53 is refused on every write path, and nothing is written', async () => {
    const rounded: AirbyteStateMessage = {
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'users' },
        // What JSON.parse made of 1790000000000000123 before it reached us.
        stream_state: { since_id: Number('1790000000000000123') },
      },
    };
    await assert.rejects(backend.getStateWriter('source-rounded').writeState(rounded), {
      type: 'InvalidStateMessage',
      path: '$.stream.stream_state.since_id',
      message:
        /a BigInt for an exact larger integer, got the number 1790000000000000000, an integer beyond 2\^53 - 1 that may have been rounded already/,
    });
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    const failure = await env
      .run(createStateActivities(backend).writeState, {
        sourceName: 'source-rounded',
        messages: [rounded],
      })
      .catch((error: unknown) => error);
    assert.ok(failure instanceof ApplicationFailure && failure.nonRetryable, String(failure));
    assert.equal(failure.type, 'InvalidStateMessage');
    assert.equal(await storedJson('source-rounded', 'users'), undefined);
  });
});
