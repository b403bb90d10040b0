import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import {
  type EmbeddedPostgresServer,
  startEmbeddedPostgres,
} from '../../examples/servers/embedded-postgres';

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('an embedded server halted and resumed', () => {
  let server: EmbeddedPostgresServer;
  before(async () => {
    server = await startEmbeddedPostgres({ durable: true });
  });
  after(() => server?.stop());

  test('refuses connections while halted and comes back on the same port with its data', async () => {
    await query(server.url, 'create table kept (n int); insert into kept values (1)');
    await server.halt();
    await assert.rejects(query(server.url, 'select 1'), /ECONNREFUSED/);
    await server.resume();
    assert.deepEqual(await query(server.url, 'select n from kept'), [{ n: 1 }]);
  });

  test('keeps every commit through an immediate shutdown (a crash)', async () => {
    await query(server.url, 'insert into kept values (2)');
    await server.halt('immediate');
    await server.resume();
    assert.deepEqual(await query(server.url, 'select n from kept order by n'), [
      { n: 1 },
      { n: 2 },
    ]);
  });
});
