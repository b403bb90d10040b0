import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { type DevServer, startDevServer } from '../../examples/servers/dev-server';
import { withTestDatabase } from '../helpers/database';

/**
 * The worker as it runs in production: a separate process, as a database role that has only the
 * privileges the README lists, with a password in DATABASE_URL that must never show up in what
 * it prints, whether it works or fails.
 */
const db = withTestDatabase();
const root = join(__dirname, '..', '..');
const role = `sync_worker_${randomBytes(4).toString('hex')}`;
const password = `Pw-${randomBytes(12).toString('hex')}`;
const taskQueue = `security-${randomUUID()}`;
let server: DevServer;
let roleUrl: string;
let admin: pg.Client;
const children: ChildProcess[] = [];

before(async () => {
  await db.ready();
  server = await startDevServer({ ui: false });
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  // Exactly the privileges the README lists: connect, and use and create in one schema.
  await admin.query(
    `create role ${role} login password '${password}' nosuperuser nocreatedb nocreaterole noinherit`,
  );
  await admin.query(`revoke create on schema public from public`);
  await admin.query(`create schema sync_state`);
  await admin.query(`grant usage, create on schema sync_state to ${role}`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  roleUrl = url.toString();
});
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (admin) {
    await admin.query(`drop owned by ${role}`).catch(() => undefined);
    await admin.query(`drop role if exists ${role}`).catch(() => undefined);
    await admin.end();
  }
  await server?.stop();
});

function workerEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: server.address,
    SYNC_TASK_QUEUE: taskQueue,
    SYNC_SCHEMA: 'sync_state',
  };
}

/** Starts examples/worker.ts (npm run worker) and collects everything it prints. */
function startWorkerProcess(databaseUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'examples', 'worker.ts')], {
    env: workerEnv(databaseUrl),
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const printed = { text: '' };
  child.stdout?.on('data', (chunk: Buffer) => (printed.text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed.text += chunk.toString()));
  return { child, printed };
}

describe('the worker in production conditions', () => {
  test('runs a whole sync as a role with only CONNECT, and USAGE and CREATE on its schema', async () => {
    const { child, printed } = startWorkerProcess(roleUrl);
    for (let i = 0; i < 600 && !printed.text.includes('Worker ready'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(printed.text, /Worker ready/, printed.text);
    const sync = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'examples', 'client.ts'),
        '--connection',
        'least-privilege',
        '--records',
        '120',
        '--batch-size',
        '40',
      ],
      {
        env: workerEnv(roleUrl),
        cwd: root,
        timeout: 120_000,
      },
    );
    assert.match(sync.stdout, /360 records committed in 9 batches/);
    const tables = await admin.query<{ t: string; owner: string }>(
      `select tablename as t, tableowner as owner from pg_tables where schemaname = 'sync_state' order by 1`,
    );
    assert.ok(
      tables.rows.some((r) => r.t === '_airbyte_state' && r.owner === role),
      'the role migrated the state tables into its schema',
    );
    assert.ok(
      tables.rows.some((r) => r.t === 'users'),
      'and created the stream tables there',
    );
    const rights = await admin.query<{
      superuser: boolean;
      createdb: boolean;
      public_create: boolean;
    }>(
      `select rolsuper as superuser, rolcreatedb as createdb, has_schema_privilege($1, 'public', 'CREATE') as public_create from pg_roles where rolname = $1`,
      [role],
    );
    assert.deepEqual(rights.rows[0], { superuser: false, createdb: false, public_create: false });
    child.kill('SIGTERM');
    await once(child, 'exit');
    assert.ok(!printed.text.includes(password), 'the password never appears in the worker output');
    assert.ok(!sync.stdout.includes(password) && !sync.stderr.includes(password));
  });

  for (const [what, broken] of [
    ['a wrong password', () => roleUrl.replace(password, `${password}-wrong`)],
    ['an unreachable database', () => roleUrl.replace(/:(\d+)\//, ':1/')],
  ] as const) {
    test(`fails with one line that keeps the password secret, given ${what}`, async () => {
      const url = broken();
      const { child, printed } = startWorkerProcess(url);
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 1, printed.text);
      const lines = printed.text
        .trim()
        .split('\n')
        .filter((line) => line.trim() !== '');
      assert.equal(lines.length <= 2, true, `a short error, not a stack trace:\n${printed.text}`);
      assert.match(printed.text, /^error: /m);
      assert.ok(!printed.text.includes(password), `the password leaked:\n${printed.text}`);
    });
  }
});
