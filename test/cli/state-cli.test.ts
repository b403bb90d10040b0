import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  type AirbyteStateMessage,
  SqlStateBackend,
  type StateHistoryEntry,
  startSyncWorkflow,
  type SyncProgress,
} from '../../src';
import type { BatchSyncInput } from '../../workflows/batch-sync-workflow';
import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
import { withTestDatabase } from '../helpers/database';
import {
  startTestTemporal,
  type TestTemporal,
  untilSyncProgress,
  withTestWorker,
} from '../helpers/temporal';

// The fenced sync's failure is expected: keep its warnings out of the output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const projectRoot = resolve(__dirname, '../..');
const db = withTestDatabase();
const taskQueue = `state-cli-${randomUUID()}`;
const scratch = mkdtempSync(join(tmpdir(), 'state-cli-'));
let env: TestWorkflowEnvironment;
let backend: SqlStateBackend;
let temporal: TestTemporal;

before(async () => {
  await db.ready();
  writeFileSync(join(scratch, 'temporal.toml'), '[profile.default]\n'); // none of this machine's
  temporal = await startTestTemporal();
  env = temporal.env;
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 4 });
});
after(async () => {
  await backend?.close();
  await env?.teardown();
});

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as a subprocess, with Temporal at the dev server unless `temporal` says otherwise. */
function cli(
  args: readonly string[],
  options: { stdin?: string; temporal?: 'dev' | 'none' | 'unreachable'; namespace?: string } = {},
): Promise<CliRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')),
  );
  const temporal = options.temporal ?? 'dev';
  const childEnv: NodeJS.ProcessEnv = {
    ...inherited,
    DATABASE_URL: db.url,
    TEMPORAL_CONFIG_FILE: join(scratch, 'temporal.toml'),
    ...(temporal === 'dev'
      ? {
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: options.namespace ?? env.namespace ?? 'default',
        }
      : temporal === 'unreachable'
        ? { TEMPORAL_ADDRESS: '127.0.0.1:1' }
        : {}),
  };
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args],
      { cwd: projectRoot, env: childEnv },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Asserts the CLI failed with `code` and one clear error line (no stack trace). */
function assertFailed(run: CliRun, code: number, message: RegExp): void {
  assert.equal(run.code, code, `exit code; stderr: ${run.stderr}`);
  const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.equal(errors.length, 1, `one error line; stderr: ${run.stderr}`);
  assert.match(errors[0] ?? '', message);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** Every row of every state table, to compare before and after. */
async function snapshot(): Promise<string> {
  const tables = [
    '_airbyte_state',
    '_airbyte_destination_state',
    '_sync_state_history',
    '_sync_state_connections',
    '_sync_state_checkpoints',
  ];
  const rows = await Promise.all(tables.map((t) => sql(`select * from ${t} order by 1, 2, 3`)));
  return JSON.stringify(rows);
}

const stream = (name: string, cursor: unknown): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } as never },
});

const messagesOf = async (source: string, options: { tablePrefix?: string } = {}) =>
  (await backend.getStateProvider(source, options)).stateMessageArtifacts;

describe('temporal-sync-state state', () => {
  test('get --json prints what set accepts back as is, and set takes a connector state file', async () => {
    const original = [
      stream('users', '2026-01-01'),
      stream('orders', 7),
      { type: 'GLOBAL', global: { shared_state: { lsn: 9 }, stream_states: [] } },
    ] as AirbyteStateMessage[];
    await backend.getStateWriter('rt-from').writeStates(original);
    const file = join(scratch, 'state.json');
    writeFileSync(file, (await backend.getStateProvider('rt-from')).toStateInputFileText());
    const [set, fromFile] = await Promise.all([
      cli(['state', 'get', 'rt-from', '--json']).then((got) => {
        assert.equal(got.code, 0, got.stderr);
        return cli(['state', 'set', 'rt-copy', '--input-file', '-'], { stdin: got.stdout });
      }),
      cli(['state', 'set', 'rt-file', '--input-file', file, '--json']),
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /warning: the input is the state of source "rt-from", cache/);
    assert.deepEqual(await messagesOf('rt-copy'), await messagesOf('rt-from'));
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(await messagesOf('rt-file'), await messagesOf('rt-from'));
    const result = JSON.parse(fromFile.stdout) as { written: { streamName: string }[] };
    assert.deepEqual(result.written.map((w) => w.streamName).sort(), [
      '_GLOBAL',
      'orders',
      'users',
    ]);
    const [latest] = await backend.getStateHistory('rt-file');
    assert.deepEqual([latest?.operation, latest?.author], ['set', 'cli']);
  });

  test('clear of one stream removes its row, prints it, and leaves the other streams', async () => {
    await backend
      .getStateWriter('cl-src', { destinationName: 'dw' })
      .writeStates([stream('users', 1), stream('orders', 2), stream('items', 3)]);
    const run = await cli([
      'state',
      'clear',
      'cl-src',
      '--destination',
      'dw',
      '--stream',
      'orders',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /Removed the state of 1 stream of source "cl-src" at destination "dw"/,
    );
    assert.match(run.stdout, /"cursor":2/, 'prints the removed state');
    const rows = await sql<{ stream_name: string }>(
      `select stream_name from _airbyte_destination_state where source_name = 'cl-src' order by 1`,
    );
    assert.deepEqual(
      rows.map((r) => r.stream_name),
      ['items', 'users'],
    );
    const again = await cli([
      'state',
      'clear',
      'cl-src',
      '--destination',
      'dw',
      '--stream',
      'orders',
    ]);
    assertFailed(again, 3, /No state found for stream "orders"\. Streams with state: items, users/);
  });

  test('rollback restores an older version, and the history shows both', async () => {
    const writer = backend.getStateWriter('rb-src');
    for (const cursor of [1, 2, 3]) await writer.writeState(stream('users', cursor));
    await writer.writeState(stream('orders', 1));
    const [, , first] = await backend.getStateHistory('rb-src', { stream: 'users' });
    const run = await cli([
      'state',
      'rollback',
      'rb-src',
      '--stream',
      'users',
      '--to',
      String(first?.version),
      '--note',
      'bad cursor',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`to version ${first?.version}: written as version \\d+`));
    assert.deepEqual(
      (await messagesOf('rb-src')).find((m) => m.stream?.stream_descriptor.name === 'users'),
      stream('users', 1),
    );
    const history = await cli(['state', 'history', 'rb-src', '--stream', 'users', '--json']);
    const versions = JSON.parse(history.stdout) as StateHistoryEntry[];
    assert.deepEqual(
      versions.map((v) => [v.operation, v.message?.stream?.stream_state?.cursor]),
      [
        ['rollback', 1],
        ['write', 3],
        ['write', 2],
        ['write', 1],
      ],
    );
    assert.match(
      versions[0]?.note ?? '',
      new RegExp(`^rollback to version ${first?.version}; bad cursor$`),
    );
  });

  test('rollback --to a WRITTEN AT copied from history selects that version; a millisecond of two versions is refused', async () => {
    const writer = backend.getStateWriter('rt-time');
    for (const cursor of [1, 2, 3, 4, 5]) await writer.writeState(stream('users', cursor));
    // The database keeps microseconds; history prints milliseconds. Versions 4 and 5 share one.
    const micros = ['01.000500', '02.000700', '03.000900', '04.000100', '04.000800'];
    const versions = (await backend.getStateHistory('rt-time', { stream: 'users' })).reverse();
    for (const [i, v] of versions.entries())
      await sql(`update _sync_state_history set written_at = ? where version = ?`, [
        `2026-01-01T00:00:${micros[i]}Z`,
        v.version,
      ]);
    const shown = await cli(['state', 'history', 'rt-time', '--stream', 'users']);
    assert.equal(shown.code, 0, shown.stderr);
    const printed = new Map(
      shown.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/))
        .map(([version, writtenAt]) => [Number(version), writtenAt ?? '']),
    );
    const [v1, v2, , v4, v5] = versions.map((v) => v.version);
    const copied = printed.get(v2 ?? 0) ?? '';
    assert.equal(copied, '2026-01-01T00:00:02.000Z', 'history prints milliseconds');

    const rollback = (to: string) =>
      cli(['state', 'rollback', 'rt-time', '--stream', 'users', '--to', to, '--json']);
    const run = await rollback(copied);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { written: StateHistoryEntry };
    assert.deepEqual(result.written.message, stream('users', 2), `--to ${copied} is version ${v2}`);
    assert.equal(result.written.note, `rollback to version ${v2}`);
    assert.deepEqual(
      (await messagesOf('rt-time')).find((m) => m.stream?.stream_descriptor.name === 'users'),
      stream('users', 2),
    );

    const before = await snapshot();
    const ambiguous = await cli([
      'state',
      'rollback',
      'rt-time',
      '--stream',
      'users',
      '--to',
      '2026-01-01T00:00:04.000Z',
    ]);
    assertFailed(
      ambiguous,
      2,
      /--to 2026-01-01T00:00:04\.000Z: expected .*, or a version number, got .*versions \d+, \d+ were all written/,
    );
    assert.match(ambiguous.stderr, new RegExp(`versions ${v4}, ${v5} were`));
    assert.equal(await snapshot(), before, 'a refused rollback changes nothing');

    const between = await rollback('2026-01-01T00:00:01.999Z');
    assert.equal(between.code, 0, between.stderr);
    assert.equal(
      (JSON.parse(between.stdout) as { written: StateHistoryEntry }).written.note,
      `rollback to version ${v1}`,
      'a time between two versions selects the older: the one current then',
    );
  });

  test('bad input files give one clear error line and change nothing', async () => {
    await backend.getStateWriter('bad-src').writeState(stream('users', 1));
    const before = await snapshot();
    const write = (name: string, text: string) => {
      const file = join(scratch, name);
      writeFileSync(file, text);
      return file;
    };
    const cases: [string, RegExp][] = [
      [write('not-json.json', '{"type": "STREAM",'), /not-json\.json: .*text that is not JSON/],
      [
        write(
          'bad-name.json',
          JSON.stringify([
            stream('users', 2),
            { type: 'STREAM', stream: { stream_descriptor: {} } },
          ]),
        ),
        /bad-name\.json: Invalid state message at \$\[1\]\.stream\.stream_descriptor\.name: expected a string/,
      ],
      [write('empty.json', '{"messages": []}'), /empty\.json: .*at least one state message/],
      [join(scratch, 'missing.json'), /Cannot read .*missing\.json: no such file/],
    ];
    const runs = await Promise.all(
      cases.map(([file]) => cli(['state', 'set', 'bad-src', '--input-file', file])),
    );
    runs.forEach((run, i) => assertFailed(run, 2, cases[i]?.[1] ?? /./));
    assert.equal(await snapshot(), before);
  });

  test('without Temporal a change proceeds with a warning; when Temporal cannot be asked it is refused unless --force', async () => {
    await backend
      .getStateWriter('tc-src')
      .writeStates([stream('a', 1), stream('b', 1), stream('c', 1)]);
    const [unconfigured, refused, forced, unasked] = await Promise.all([
      cli(['state', 'clear', 'tc-src', '--stream', 'a'], { temporal: 'none' }),
      cli(['state', 'clear', 'tc-src', '--stream', 'b'], { temporal: 'unreachable' }),
      cli(['state', 'clear', 'tc-src', '--stream', 'c', '--force'], { temporal: 'unreachable' }),
      cli(['state', 'clear', 'tc-src', '--stream', 'b'], { namespace: 'no-such-namespace' }),
    ]);
    assert.equal(unconfigured.code, 0, unconfigured.stderr);
    assert.match(unconfigured.stderr, /warning: no Temporal address is configured/);
    assertFailed(
      refused,
      4,
      /Cannot reach Temporal at 127\.0\.0\.1:1 .*Nothing was changed; --force/,
    );
    assertFailed(unasked, 4, /Cannot ask Temporal at .* whether a sync is running/);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(
      (await messagesOf('tc-src')).map((m) => m.stream?.stream_descriptor.name),
      ['b'],
    );
    const notes = (await backend.getStateHistory('tc-src'))
      .filter((v) => v.operation === 'clear')
      .map((v) => [v.streamName, v.note]);
    assert.deepEqual(notes.sort(), [
      ['a', 'running syncs unchecked: no Temporal configured'],
      ['c', '--force: Temporal at 127.0.0.1:1 unreachable, not checked'],
    ]);
  });
});

describe('temporal-sync-state with a running sync', () => {
  /** Runs `body` while a worker with the plugin serves the task queue. */
  const withWorker = <T>(body: () => Promise<T>): Promise<T> =>
    withTestWorker(temporal, { taskQueue, databaseUrl: db.url }, body);

  const untilProgress = (connectionId: string, done: (p: SyncProgress) => boolean) =>
    untilSyncProgress(env.client, connectionId, done);

  const sync = (connectionId: string, extra: Partial<BatchSyncInput> = {}): BatchSyncInput => ({
    connectionId,
    source: {
      name: 'sample-source',
      streams: [...SAMPLE_STREAM_NAMES],
      config: { count: 3000, seed: 5 },
    },
    destination: { tablePrefix: `${connectionId}_` },
    batchSize: 10,
    ...extra,
  });

  test('an edit while a sync runs is refused; --force makes it, fences the sync off and says so in the history', async () => {
    const edit = join(scratch, 'edit.json');
    writeFileSync(edit, JSON.stringify([stream('users', 'edited')]));
    await withWorker(async () => {
      const handle = await startSyncWorkflow(env.client, sync('run1'), { taskQueue });
      try {
        await untilProgress('run1', (p) => p.batchesCommitted >= 1);
        const args = [
          'state',
          'set',
          'sample-source',
          '--table-prefix',
          'run1_',
          '--input-file',
          edit,
        ];
        const [refused, status] = await Promise.all([
          cli(args),
          cli(['sync', 'status', 'run1', '--json']),
        ]);
        assertFailed(
          refused,
          4,
          /A sync is running on this state: connection "run1" \(workflow sync-run1, run .*Nothing was changed/,
        );
        const live = JSON.parse(status.stdout) as Omit<SyncProgress, 'streams'> & {
          streams: { lagSeconds: number | null; recordsPerSecond: number | null }[];
        };
        assert.equal(live.status, 'running', status.stderr);
        // Measured over 2 s of a sync of 900 batches: some stream committed in that time.
        const rates = live.streams.map((s) => s.recordsPerSecond ?? -1);
        assert.ok(
          rates.every((r) => r >= 0) && rates.some((r) => r > 0),
          `records/s ${rates.join(', ')}`,
        );
        assert.ok(
          live.streams.some((s) => s.lagSeconds !== null && s.lagSeconds >= 0 && s.lagSeconds < 60),
          'a lag since the last commit',
        );
        const history = await backend.getStateHistory('sample-source', { tablePrefix: 'run1_' });
        assert.ok(history.length > 0 && history.every((v) => v.author === 'activity:syncBatch'));
        assert.deepEqual(
          [history[0]?.connectionId, history[0]?.workflowId, history[0]?.activityAttempt],
          ['run1', 'sync-run1', 1],
        );

        const forced = await cli([...args, '--force']);
        assert.equal(forced.code, 0, forced.stderr);
        assert.match(forced.stderr, /warning: --force: a sync is running on this state/);
        assert.match(forced.stdout, /Fenced off the runs of connection run1/);
        await assert.rejects(handle.result(), 'the fenced sync fails at its next commit');
      } finally {
        await handle.terminate('test cleanup').catch(() => undefined);
      }
    });
    const [set] = (await backend.getStateHistory('sample-source', { tablePrefix: 'run1_' })).filter(
      (v) => v.operation === 'set',
    );
    assert.equal(set?.author, 'cli');
    assert.match(set?.note ?? '', /^--force: sync running \(sync-run1\)$/);
    const users = (await messagesOf('sample-source', { tablePrefix: 'run1_' })).find(
      (m) => m.stream?.stream_descriptor.name === 'users',
    );
    assert.deepEqual(
      users,
      stream('users', 'edited'),
      'the running sync did not write over the edit',
    );
    const closed = await cli(['sync', 'status', 'run1', '--json']);
    assert.equal((JSON.parse(closed.stdout) as SyncProgress).status, 'failed', closed.stderr);
  });

  test('after a clear of one stream, the next sync reads that stream from scratch and the others not', async () => {
    const small = sync('re1', {
      source: {
        name: 'sample-source',
        streams: [...SAMPLE_STREAM_NAMES],
        config: { count: 40, seed: 5 },
      },
    });
    const run = () =>
      withWorker(
        async () =>
          (
            await startSyncWorkflow(env.client, small, { taskQueue })
          ).result() as Promise<SyncProgress>,
      );
    await run();
    const cleared = await cli([
      'state',
      'clear',
      'sample-source',
      '--table-prefix',
      're1_',
      '--stream',
      'users',
    ]);
    assert.equal(cleared.code, 0, cleared.stderr);
    const result = await run();
    assert.deepEqual(
      result.streams.map((s) => [s.name, s.checkpoint, s.recordsCommitted]),
      [
        ['products', 4, 40],
        ['purchases', 4, 40],
        ['users', 8, 80],
      ],
      'users was read again from its start, with checkpoints that went on counting',
    );
  });

  test('sync status of a connection without a workflow reads the database, or says it knows none', async () => {
    const unknown = await cli(['sync', 'status', 'nobody']);
    assertFailed(unknown, 3, /No sync of connection "nobody" is known/);
  });
});
