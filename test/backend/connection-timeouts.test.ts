import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { InvalidInputError, SqlStateBackend } from '../../src';
import { withTestDatabase } from '../helpers/database';

const db = withTestDatabase();
const open: SqlStateBackend[] = [];

before(() => db.ready());
after(async () => {
  for (const backend of open) await backend.close();
});

async function connect(options: Omit<Parameters<typeof SqlStateBackend.connect>[0], 'url'> = {}) {
  const backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2, ...options });
  open.push(backend);
  return backend;
}

describe('SqlStateBackend.connect timeouts', () => {
  test('its sessions carry the default statement and idle-in-transaction timeouts and keepalive', async () => {
    const backend = await connect();
    const [row] = await backend.fork().execute<Record<string, string>[]>(
      `select current_setting('statement_timeout') as statement,
              current_setting('idle_in_transaction_session_timeout') as idle,
              current_setting('tcp_keepalives_idle') as keepalive_idle,
              current_setting('tcp_keepalives_count') as keepalive_count`,
    );
    assert.deepEqual(row, {
      statement: '1min',
      idle: '30s',
      keepalive_idle: '15',
      keepalive_count: '3',
    });
  });

  test('0 turns a server timeout off', async () => {
    const backend = await connect({ timeouts: { statementMs: 0, idleInTransactionMs: 0 } });
    const [row] = await backend.fork().execute<Record<string, string>[]>(
      `select current_setting('statement_timeout') as statement,
              current_setting('idle_in_transaction_session_timeout') as idle`,
    );
    assert.deepEqual(row, { statement: '0', idle: '0' });
  });

  test('a transaction left idle by its client is ended after idleInTransactionMs, releasing its row locks', async () => {
    const backend = await connect({ timeouts: { idleInTransactionMs: 1000 } });
    await backend.fork().execute('create table locked (id int primary key, v int)');
    await backend.fork().execute('insert into locked values (1, 0)');
    // The backend's transaction locks the row, then its client goes silent (as a dead host would).
    const stuck = backend.fork().transactional(async (em) => {
      await em.execute('update locked set v = v + 1 where id = 1');
      await new Promise((resolve) => setTimeout(resolve, 4000));
      await em.execute('select 1');
    });
    const failed = assert.rejects(stuck, /terminat|idle-in-transaction|Connection/i);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      const started = Date.now();
      await other.query('update locked set v = v + 10 where id = 1');
      const waited = Date.now() - started;
      assert.ok(waited < 2500, `the row lock was released after ${waited} ms, expected ~1 s`);
      await failed;
      const { rows } = await other.query<{ v: number }>('select v from locked where id = 1');
      assert.equal(rows[0]?.v, 10, 'the abandoned transaction committed nothing');
    } finally {
      await other.end();
    }
  });

  test('a query whose answer never comes is dropped after readMs, and the pool carries on', async () => {
    const proxy = await freezableProxy(new URL(db.url));
    try {
      const url = new URL(db.url);
      url.host = `127.0.0.1:${proxy.port}`;
      const backend = await SqlStateBackend.connect({
        url: url.toString(),
        poolSize: 2,
        timeouts: { readMs: 1000, statementMs: 0 },
      });
      open.push(backend);
      await backend.fork().execute('select 1');
      proxy.freeze(true); // the link goes silent: nothing is lost, nothing gets through
      const started = Date.now();
      const query = backend.fork().execute('select 2');
      const outcome = await Promise.race([
        query.then(
          () => 'answered',
          (error: unknown) => String(error),
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 8000)),
      ]);
      assert.match(outcome, /sent nothing for 1000 ms|terminated|Connection/i);
      assert.ok(Date.now() - started < 4000, `dropped after ${Date.now() - started} ms`);
      proxy.freeze(false);
      const [row] = await backend.fork().execute<{ x: number }[]>('select 3 as x');
      assert.equal(row?.x, 3);
    } finally {
      await proxy.close();
    }
  });

  test('a bad timeout is refused with a named error before anything connects', async () => {
    for (const [timeouts, field] of [
      [{ statementMs: -1 }, 'timeouts.statementMs'],
      [{ readMs: 1.5 }, 'timeouts.readMs'],
      [{ keepAliveMs: '15s' }, 'timeouts.keepAliveMs'],
      ['fast', 'timeouts'],
    ] as const) {
      await assert.rejects(
        SqlStateBackend.connect({
          url: 'postgres://nobody@127.0.0.1:1/none',
          timeouts: timeouts as never,
        }),
        (error: unknown) => error instanceof InvalidInputError && error.message.includes(field),
      );
    }
  });
});

/** A TCP proxy to the test server whose traffic can be held (frozen) both ways. */
async function freezableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let frozen = false;
  const pipes: { from: Socket; to: Socket }[] = [];
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(upstream);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      pipes.push({ from, to });
      from.on('data', (chunk) => {
        if (!to.write(chunk)) from.pause();
      });
      to.on('drain', () => {
        if (!frozen) from.resume();
      });
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
      if (frozen) from.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    freeze(on: boolean) {
      frozen = on;
      for (const { from } of pipes)
        if (on) from.pause();
        else from.resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
