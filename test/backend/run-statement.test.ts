import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DriverException } from '@mikro-orm/core';
import { SqlStateBackend } from '../../src';
import { quoteIdent, type SqlExecutor } from '../../src/backend/sql/executor';
import { runStatement } from '../../src/backend/sql/run-statement';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
let backend: SqlStateBackend;

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
});
after(async () => {
  await backend?.close();
});

describe('runStatement', () => {
  test('names with ? reach PostgreSQL exactly through MikroORM, bound and prepared statements', async () => {
    const table = `${quoteIdent('public')}.${quoteIdent('odd?table')}`;
    const column = quoteIdent('value?');
    const em = backend.fork();
    await em.execute(`create table ${table} (id int primary key, ${column} text)`, [], 'run');
    await em.execute(`insert into ${table} values (?, ?)`, [1, 'via execute'], 'run');
    await runStatement(em, `insert into ${table} values (?, ?)`, [2, 'bound']);
    await runStatement(em, `insert into ${table} values (?, ?)`, [3, 'prepared'], {
      prepare: true,
    });
    const { rows } = await runStatement<{ id: number; v: string }>(
      em,
      `select id, ${column} as v from ${table} where id >= ? order by id`,
      [1],
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r.v]),
      [
        [1, 'via execute'],
        [2, 'bound'],
        [3, 'prepared'],
      ],
    );
    const names = await em.execute<{ name: string }[]>(
      `select table_name || '.' || column_name as name from information_schema.columns
        where table_name like 'odd%' and column_name like 'value%'`,
    );
    assert.deepEqual(names, [{ name: 'odd?table.value?' }]);
  });

  test('errors come as MikroORM exceptions, as from em.execute', async () => {
    for (const prepare of [false, true]) {
      await assert.rejects(
        runStatement(backend.fork(), 'select 1 / (? - 1) as x', [1], { prepare }),
        (error: unknown) =>
          error instanceof DriverException && /division by zero/.test(String(error)),
      );
    }
  });

  test('an executor of your own gets execute: rows with "all", a row count with "run"', async () => {
    const calls: string[] = [];
    const em = backend.fork();
    const executor: SqlExecutor = {
      execute: (query, params, method) => {
        calls.push(method ?? 'all');
        return em.execute(query, params, method);
      },
    };
    const { rows } = await runStatement<{ n: number }>(executor, 'select ?::int as n', [7]);
    assert.deepEqual(rows, [{ n: 7 }]);
    await em.execute('create table counted (id int)', [], 'run');
    const { rowCount } = await runStatement(
      executor,
      'insert into counted select generate_series(1, ?)',
      [3],
      { result: 'rowCount', prepare: true },
    );
    assert.equal(rowCount, 3);
    assert.deepEqual(calls, ['all', 'run']);
    // A rollback through such an executor returns its new version (it reads the returned rows).
    const writer = backend.getStateWriter('own-executor');
    const message = (cursor: number) => ({
      type: 'STREAM' as const,
      stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor } },
    });
    await writer.writeState(message(1));
    await writer.writeState(message(2));
    const [, first] = await backend.getStateHistory('own-executor', { stream: 'users' });
    const entry = await backend.restoreStateVersion('own-executor', {
      stream: 'users',
      to: first?.version ?? 0,
      em: executor,
    });
    assert.equal(entry.operation, 'rollback');
    assert.equal(entry.message?.stream?.stream_state?.cursor, 1);
  });
});
