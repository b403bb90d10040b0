/**
 * commitBatch and writeState as a careful user tries them: record tables that two streams could
 * share, record values PostgreSQL refuses, any valid key column name, tables changed behind a
 * warm worker's back, and writes that do not carry the connection's claim.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createStateActivities, type StateActivities } from '../../activities';
import { type AirbyteStateMessage, type CommitBatchInput, SqlStateBackend } from '../../src';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;
let activities: StateActivities;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url });
  activities = createStateActivities(backend);
});
after(async () => {
  await backend?.close();
});

/** Runs an activity as Temporal would, in the context of a workflow run. */
function run<A, R>(fn: (input: A) => Promise<R>, input: A, runId = 'run-1'): Promise<R> {
  const env = new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'commit-test', runId } },
    { logger: new DefaultLogger('ERROR') },
  );
  return env.run(fn, input);
}

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
  backend.fork().execute<T[]>(query, params);

const streamState = (name: string, cursor: number, namespace?: string): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: {
    stream_descriptor: namespace === undefined ? { name } : { name, namespace },
    stream_state: { cursor },
  },
});

/** Asserts a non-retryable ApplicationFailure of `type` whose message matches. */
async function failsWith(promise: Promise<unknown>, type: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(
      error instanceof ApplicationFailure,
      `expected an ApplicationFailure, got ${String(error)}`,
    );
    assert.equal(error.type, type, error.message);
    assert.equal(error.nonRetryable, true, `${error.message} should not be retried`);
    assert.match(error.message, message);
    return true;
  });
}

/** Everything a commit can change for a source and connection, to compare before and after. */
async function snapshot(sourceName: string, connectionId: string, tables: string[]) {
  const rows: Record<string, unknown> = {};
  for (const table of tables) {
    const exists = await sql(
      `select 1 from pg_tables where schemaname = 'public' and tablename = ?`,
      [table],
    );
    rows[table] = exists.length
      ? await sql(`select * from "${table}" order by _airbyte_raw_id`)
      : 'no table';
  }
  return {
    rows,
    state: await sql(
      `select stream_namespace, stream_name, table_name, state_json from _airbyte_state
        where source_name = ? order by 1, 2, 3`,
      [sourceName],
    ),
    checkpoints: await sql(
      `select stream_namespace, stream_name, checkpoint, records_committed from _sync_state_checkpoints
        where connection_id = ? order by 1, 2`,
      [connectionId],
    ),
    history: await sql(`select count(*)::int as n from _sync_state_history where source_name = ?`, [
      sourceName,
    ]),
  };
}

describe('record tables: two streams never share rows unknowingly', () => {
  test('users of namespace tenant_b is refused a table that holds users of tenant_a, and tenant_a keeps its row', async () => {
    const base = {
      connectionId: 'ns',
      sourceName: 'ns-src',
      tablePrefix: 'ns_',
      primaryKey: ['id'],
    };
    await run(activities.commitBatch, {
      ...base,
      records: [{ id: 1, tenant: 'a' }],
      state: streamState('users', 1, 'tenant_a'),
      checkpoint: 1,
    });
    const before = await snapshot('ns-src', 'ns', ['ns_users']);
    await failsWith(
      run(activities.commitBatch, {
        ...base,
        records: [{ id: 1, tenant: 'b' }],
        state: streamState('users', 1, 'tenant_b'),
        checkpoint: 1,
      }),
      'InvalidInput',
      /"public"\."ns_users".*tenant_a/,
    );
    assert.deepEqual(await snapshot('ns-src', 'ns', ['ns_users']), before, 'nothing changed');
    // A table of its own, named by the caller, works.
    const own = await run(activities.commitBatch, {
      ...base,
      records: [{ id: 1, tenant: 'b' }],
      state: streamState('users', 1, 'tenant_b'),
      checkpoint: 1,
      table: 'ns_tenant_b_users',
    });
    assert.equal(own.status, 'committed');
    const tenants = await sql<{ tenant: string }>(
      `select _airbyte_data->>'tenant' as tenant from ns_users union all
       select _airbyte_data->>'tenant' from ns_tenant_b_users order by 1`,
    );
    assert.deepEqual(
      tenants.map((r) => r.tenant),
      ['a', 'b'],
    );
  });

  test('prefix "ab" with stream "c" is refused the table of prefix "a" with stream "bc"', async () => {
    const common = { connectionId: 'px', sourceName: 'px-src', primaryKey: ['id'], checkpoint: 1 };
    await run(activities.commitBatch, {
      ...common,
      tablePrefix: 'a',
      records: [{ id: 1, from: 'bc' }],
      state: streamState('bc', 1),
    });
    const before = await snapshot('px-src', 'px', ['abc']);
    await failsWith(
      run(activities.commitBatch, {
        ...common,
        tablePrefix: 'ab',
        records: [{ id: 1, from: 'c' }],
        state: streamState('c', 1),
      }),
      'InvalidInput',
      /"public"\."abc".*"bc"/,
    );
    assert.deepEqual(await snapshot('px-src', 'px', ['abc']), before);
  });
});

describe('record values PostgreSQL refuses fail once, naming the record, and change nothing', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a NUL character in a string', { id: 2, name: 'a\u0000b' }, /records\[1\]\.name/],
    ['a NUL character in a property name', { id: 2, ['na\u0000me']: 1 }, /records\[1\]/],
    ['a NUL character in a key value', { id: 'x\u0000y' }, /records\[1\]\.id/],
    ['a lone surrogate in a string', { id: 2, name: 'bad \ud800 text' }, /records\[1\]\.name/],
    ['a key value over the index row limit', { id: 'k'.repeat(5000) }, /records\[1\]\.id/],
  ];
  for (const [what, record, path] of cases) {
    test(what, async () => {
      const connectionId = `bad-${cases.findIndex((c) => c[0] === what)}`;
      const input: CommitBatchInput = {
        connectionId,
        sourceName: `${connectionId}-src`,
        tablePrefix: `${connectionId}_`.replaceAll('-', '_'),
        primaryKey: ['id'],
        records: [{ id: 1, name: 'fine' }, record as never],
        state: streamState('users', 2),
        checkpoint: 1,
      };
      const table = `${input.tablePrefix}users`;
      const before = await snapshot(input.sourceName, connectionId, [table]);
      await failsWith(run(activities.commitBatch, input), 'InvalidInput', path);
      assert.deepEqual(await snapshot(input.sourceName, connectionId, [table]), before);
    });
  }

  test('a record the table refuses for a reason no check foresaw is a non-retryable input error', async () => {
    // Someone added a constraint to the stream table: only the server can tell (SQLSTATE 23514).
    const input = (name: string, checkpoint: number): CommitBatchInput => ({
      connectionId: 'constrained',
      sourceName: 'constrained-src',
      tablePrefix: 'constrained_',
      primaryKey: ['id'],
      records: [{ id: checkpoint, name }],
      state: streamState('users', checkpoint),
      checkpoint,
    });
    await run(activities.commitBatch, input('fine', 1));
    await sql(
      `alter table constrained_users add constraint no_bob check (_airbyte_data->>'name' <> 'bob')`,
    );
    const before = await snapshot('constrained-src', 'constrained', ['constrained_users']);
    await failsWith(
      run(activities.commitBatch, input('bob', 2)),
      'InvalidInput',
      /"public"\."constrained_users".*no_bob/,
    );
    assert.deepEqual(
      await snapshot('constrained-src', 'constrained', ['constrained_users']),
      before,
    );
  });
});

describe('any valid column name can be a primary key', () => {
  for (const column of ['value', 'ordinality', 'r', 'batch']) {
    test(`a primary key named "${column}" commits and upserts`, async () => {
      const input = (checkpoint: number, label: string): CommitBatchInput => ({
        connectionId: `pk-${column}`,
        sourceName: `pk-${column}`,
        tablePrefix: `pk_${column}_`,
        primaryKey: [column],
        records: [{ [column]: 'k1', label }],
        state: streamState('users', checkpoint),
        checkpoint,
      });
      assert.equal((await run(activities.commitBatch, input(1, 'first'))).recordsWritten, 1);
      assert.equal((await run(activities.commitBatch, input(2, 'second'))).recordsWritten, 1);
      const rows = await sql<{ label: string }>(
        `select _airbyte_data->>'label' as label from "pk_${column}_users"`,
      );
      assert.deepEqual(rows, [{ label: 'second' }]);
    });
  }
});

describe('a warm worker answers like a fresh one when tables change behind its back', () => {
  const input = (checkpoint: number, primaryKey = ['id']): CommitBatchInput => ({
    connectionId: 'warm',
    sourceName: 'warm-src',
    tablePrefix: 'warm_',
    primaryKey,
    records: [{ id: checkpoint, name: `n${checkpoint}` }],
    state: streamState('users', checkpoint),
    checkpoint,
  });

  test('a dropped stream table is created again by the next commit', async () => {
    await run(activities.commitBatch, input(1));
    await sql('drop table warm_users');
    const next = await run(activities.commitBatch, input(2));
    assert.equal(next.status, 'committed');
    assert.deepEqual(await sql('select id from warm_users'), [{ id: '2' }]);
  });

  test('another primary key on a known table is the same non-retryable error, warm or cold', async () => {
    const expected = /primary key of the existing table "public"\."warm_users"/;
    await failsWith(run(activities.commitBatch, input(3, ['name'])), 'InvalidInput', expected);
    const cold = await SqlStateBackend.connect({ url: db.url });
    try {
      await failsWith(
        run(createStateActivities(cold).commitBatch, input(3, ['name'])),
        'InvalidInput',
        expected,
      );
    } finally {
      await cold.close();
    }
  });
});

describe('once a sync claimed the connection, writes must carry its claim', () => {
  const owner = { sourceName: 'claimed-src', tablePrefix: 'claimed_' };

  test('a commitBatch without epoch is refused, and nothing is written', async () => {
    const { epoch } = await run(activities.startSync, { connectionId: 'claimed', ...owner });
    const input: CommitBatchInput = {
      connectionId: 'claimed',
      ...owner,
      primaryKey: ['id'],
      records: [{ id: 1 }],
      state: streamState('users', 1),
      checkpoint: 1,
    };
    const before = await snapshot(owner.sourceName, 'claimed', ['claimed_users']);
    await failsWith(run(activities.commitBatch, input), 'StaleCheckpoint', /no epoch.*epoch 1/);
    assert.deepEqual(await snapshot(owner.sourceName, 'claimed', ['claimed_users']), before);
    assert.equal((await run(activities.commitBatch, { ...input, epoch })).status, 'committed');
  });

  test('a writeState without the claim, or with an older one, is refused; with it, it writes', async () => {
    await run(activities.startSync, { connectionId: 'claimed-w', ...owner }, 'run-a');
    const { epoch } = await run(
      activities.startSync,
      { connectionId: 'claimed-w', ...owner },
      'run-b',
    );
    const before = await snapshot(owner.sourceName, 'claimed-w', []);
    const write = { ...owner, messages: [streamState('orders', 7)] };
    await failsWith(run(activities.writeState, write), 'StaleCheckpoint', /claimed-w/);
    await failsWith(
      run(activities.writeState, { ...write, connectionId: 'claimed-w', epoch: epoch - 1 }),
      'StaleCheckpoint',
      /newer run/,
    );
    assert.deepEqual(await snapshot(owner.sourceName, 'claimed-w', []), before);
    const ok = await run(activities.writeState, { ...write, connectionId: 'claimed-w', epoch });
    assert.equal(ok.written, 1);
  });

  test('a forced writeState is written, recorded as forced, and fences the running sync', async () => {
    const sync = await run(activities.startSync, { connectionId: 'forced', ...owner }, 'run-f');
    await run(activities.writeState, {
      ...owner,
      messages: [streamState('items', 3)],
      force: true,
    });
    const history = await sql<{ note: string | null }>(
      `select note from _sync_state_history where source_name = ? and stream_name = 'items'`,
      [owner.sourceName],
    );
    assert.match(String(history[0]?.note), /forced/);
    await failsWith(
      run(
        activities.commitBatch,
        {
          connectionId: 'forced',
          ...owner,
          primaryKey: ['id'],
          records: [{ id: 1 }],
          state: streamState('items', 2),
          checkpoint: 1,
          epoch: sync.epoch,
        },
        'run-f',
      ),
      'StaleCheckpoint',
      /newer run/,
    );
  });
});
