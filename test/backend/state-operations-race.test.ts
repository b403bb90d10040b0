import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import {
  type AirbyteStateMessage,
  clearState,
  commitBatch,
  type CommitBatchResult,
  copyState,
  getState,
  moveState,
  rollbackState,
  setState,
  SqlStateBackend,
  startSync,
} from '../../src';
import { withTestDatabase } from '../helpers/database';

// Each state operation against a commit of the same state that is in flight: the commit has
// locked its connection (as every fenced commit does first) and is held inside its transaction
// at a known point, the operation starts, then the commit is let go. Whatever the interleaving,
// the result must be one that some serial order of the two would give.

const db = withTestDatabase();
let backend: SqlStateBackend;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 4 });
});
after(async () => {
  await backend?.close();
});

const users = (cursor: unknown): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor } as never },
});

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

/** The statement with which a fence raises a connection's epoch. */
const FENCE = 'set epoch = epoch + 1';

/** Waits until a session of the test database waits for a lock in a statement containing `text`. */
async function untilWaitingOnLock(text: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const [row] = await sql<{ waiting: string }>(
      `select count(*) as waiting from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and wait_event_type = 'Lock' and strpos(query, ?) > 0`,
      [text],
    );
    if (Number(row?.waiting) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no session waited for a lock in a statement with "${text}"`);
}

/** A commit of checkpoint 2 (cursor 2), held inside its transaction until `release()`. */
interface HeldCommit {
  readonly result: Promise<CommitBatchResult>;
  release(): Promise<void>;
}

/**
 * Commits checkpoint 1 (cursor 1) of `users` for a fenced run of `connectionId`, then starts the
 * commit of checkpoint 2 (cursor 2) and holds it: another session locks the stream's checkpoint
 * row, so the commit has its connection row locked `for share` and waits for the checkpoint row,
 * before it writes anything.
 */
async function heldCommit(connectionId: string, sourceName: string): Promise<HeldCommit> {
  const { epoch } = await startSync(backend, { connectionId, sourceName, owner: 'run-1' });
  const commit = (checkpoint: number) =>
    commitBatch(backend, {
      connectionId,
      sourceName,
      records: [{ id: checkpoint }],
      primaryKey: ['id'],
      state: users(checkpoint),
      checkpoint,
      epoch,
      table: `t_${connectionId}`,
    });
  await commit(1);
  const blocker = new Client({ connectionString: db.url });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('select 1 from _sync_state_checkpoints where connection_id = $1 for update', [
    connectionId,
  ]);
  const result = commit(2);
  result.catch(() => undefined); // awaited by the test; this only keeps an early failure handled
  await untilWaitingOnLock('_sync_state_checkpoints');
  return {
    result,
    release: async () => {
      await blocker.query('commit');
      await blocker.end();
    },
  };
}

/** Runs `operation` while the commit is held; lets the commit go once the operation waits. */
async function race<T>(
  held: HeldCommit,
  operation: () => Promise<T>,
): Promise<[CommitBatchResult, T]> {
  const running = operation();
  running.catch(() => undefined);
  try {
    await untilWaitingOnLock(FENCE);
  } finally {
    await held.release();
  }
  return Promise.all([held.result, running]);
}

const stateOf = async (sourceName: string) =>
  (await getState(backend, { sourceName })).messages.find(
    (m) => m.stream?.stream_descriptor.name === 'users',
  ) ?? null;

describe('state operations racing a commit in flight', () => {
  test('moveState moves the state the commit wrote, never the one before it', async () => {
    const held = await heldCommit('race-move', 'mv-from');
    const [commit, moved] = await race(held, () =>
      moveState(backend, { sourceName: 'mv-from' }, { sourceName: 'mv-to' }),
    );
    assert.equal(commit.status, 'committed', 'the commit in flight finished before the move');
    assert.deepEqual(await stateOf('mv-to'), users(2), "the target got the origin's last state");
    assert.deepEqual(
      moved.removed.map((r) => r.message),
      [users(2)],
      'the move removed what it moved',
    );
    assert.equal(await stateOf('mv-from'), null);
    const [checkpoint] = await sql<{ checkpoint: string }>(
      `select checkpoint from _sync_state_checkpoints where connection_id = 'race-move'`,
    );
    assert.equal(Number(checkpoint?.checkpoint), 2, 'the state moved is that of the checkpoint');
    assert.deepEqual(moved.fencedConnections, ['race-move']);
  });

  test('moveState waits for a writer without a connection (nothing to fence) and moves what it wrote', async () => {
    const writer = backend.getStateWriter('mw-from');
    await writer.writeState(users(1));
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let written = false;
    const writing = backend.fork().transactional(async (em) => {
      await writer.writeState(users(2), { em });
      written = true;
      await gate; // the write is made and its row locked, not yet committed
    });
    writing.catch(() => undefined);
    while (!written) await new Promise((resolve) => setTimeout(resolve, 10));
    const moving = moveState(backend, { sourceName: 'mw-from' }, { sourceName: 'mw-to' });
    moving.catch(() => undefined);
    try {
      await untilWaitingOnLock('_airbyte_state');
    } finally {
      release();
    }
    const [, moved] = await Promise.all([writing, moving]);
    assert.deepEqual(await stateOf('mw-to'), users(2));
    assert.deepEqual(
      moved.removed.map((r) => r.message),
      [users(2)],
    );
  });

  test('copyState copies a state that was current when the copy was written', async () => {
    const held = await heldCommit('race-copy', 'cp-from');
    const [commit, copied] = await race(held, () =>
      copyState(
        backend,
        { sourceName: 'cp-from' },
        { sourceName: 'cp-to' },
        { connectionIds: ['race-copy'] },
      ),
    );
    assert.equal(commit.status, 'committed');
    assert.deepEqual(await stateOf('cp-to'), users(2));
    const [origin] = await backend.getStateHistory('cp-from', { stream: 'users' });
    assert.ok((origin?.version ?? 0) < (copied.written[0]?.version ?? 0), 'copied after it');
  });

  test('clearState removes the state the commit wrote and reports it', async () => {
    const held = await heldCommit('race-clear', 'cl-src');
    const [commit, cleared] = await race(held, () => clearState(backend, { sourceName: 'cl-src' }));
    assert.equal(commit.status, 'committed');
    assert.deepEqual(
      cleared.removed.map((r) => r.message),
      [users(2)],
    );
    assert.equal(await stateOf('cl-src'), null, 'the commit did not write after the clear');
  });

  test('setState and rollbackState are written after the commit, and stay', async () => {
    const setHeld = await heldCommit('race-set', 'set-src');
    const [setCommit] = await race(setHeld, () =>
      setState(backend, { sourceName: 'set-src' }, [users('edited')]),
    );
    assert.equal(setCommit.status, 'committed');
    assert.deepEqual(await stateOf('set-src'), users('edited'));

    const rbHeld = await heldCommit('race-rollback', 'rb-src');
    const [first] = (await backend.getStateHistory('rb-src', { stream: 'users' })).slice(-1);
    const [rbCommit, rolled] = await race(rbHeld, () =>
      rollbackState(
        backend,
        { sourceName: 'rb-src' },
        { stream: 'users', to: first?.version ?? 0 },
      ),
    );
    assert.equal(rbCommit.status, 'committed');
    assert.deepEqual(await stateOf('rb-src'), users(1));
    const [newest] = await backend.getStateHistory('rb-src', { stream: 'users' });
    assert.equal(newest?.version, rolled.written.version, 'the rollback is the current version');
  });
});
