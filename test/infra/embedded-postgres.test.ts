import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import {
  createDatabase,
  dropDatabase,
  startEmbeddedPostgres,
} from '../../examples/servers/embedded-postgres';
import { adminDatabaseUrl, withTestDatabase } from '../helpers/database';

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the test database of a file', () => {
  const db = withTestDatabase();

  test('answers select 1', async () => {
    assert.deepEqual(await query(db.url, 'select 1 as one'), [{ one: 1 }]);
  });

  test('is the database its URL names', async () => {
    const [row] = await query<{ name: string }>(db.url, 'select current_database() as name');
    assert.equal(row?.name, db.name);
  });
});

describe('two databases on the same server', () => {
  const adminUrl = adminDatabaseUrl();
  const names: string[] = [];
  let first = '';
  let second = '';

  before(async () => {
    const a = await createDatabase(adminUrl);
    const b = await createDatabase(adminUrl);
    names.push(a.name, b.name);
    [first, second] = [a.url, b.url];
  });
  after(async () => {
    for (const name of names) await dropDatabase(adminUrl, name);
  });

  test('have different names', () => {
    assert.notEqual(names[0], names[1]);
  });

  test('do not see each other’s tables', async () => {
    await query(first, 'create table only_in_first (id int)');
    const [row] = await query<{ found: string | null }>(
      second,
      "select to_regclass('only_in_first')::text as found",
    );
    assert.equal(row?.found, null);
  });
});

describe('a second embedded server', () => {
  test('starts, answers, and leaves no data folder behind once stopped', async (t) => {
    const started = Date.now();
    const server = await startEmbeddedPostgres();
    t.diagnostic(`started in ${Date.now() - started} ms on port ${server.port}`);
    try {
      assert.ok(existsSync(server.dataDir));
      assert.notEqual(server.url, process.env.DATABASE_URL);
      assert.deepEqual(await query(server.url, 'select 1 as one'), [{ one: 1 }]);
    } finally {
      await server.stop();
    }
    assert.equal(existsSync(server.dataDir), false);
    await server.stop(); // a second stop is harmless
  });
});
