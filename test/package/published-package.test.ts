/**
 * The package as users get it: built by `npm run build` (tsconfig.build.json) and used only
 * through the entries of package.json's exports map. A user's worker, written in plain
 * JavaScript against those entries, registers a reader of its own and runs `batchSyncWorkflow`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SqlStateBackend } from '../../src';
import { createTestTemporalEnv } from '../../examples/servers/temporal-cli';
import { withTestDatabase } from '../helpers/database';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const db = withTestDatabase();
let env: TestWorkflowEnvironment;
let dir: string;
let pkg: string;
let app: string;

before(async () => {
  await db.ready();
  dir = await mkdtemp(path.join(tmpdir(), 'published-package-'));
  pkg = path.join(dir, 'temporal-sync-state');
  app = path.join(dir, 'app');
  const [started] = await Promise.all([createTestTemporalEnv(), buildPackage()]);
  env = started;
});
after(async () => {
  await env?.teardown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Builds the package as `npm run build` does, into a folder of its own with its package.json,
 * and an app folder whose node_modules holds it (and, linked, the packages it depends on).
 */
async function buildPackage(): Promise<void> {
  await mkdir(pkg, { recursive: true });
  await run(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      path.join(pkg, 'dist'),
    ],
    { cwd: root, timeout: 300_000 },
  );
  await copyFile(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
  await symlink(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  const modules = path.join(app, 'node_modules');
  await mkdir(path.join(modules, '@temporalio'), { recursive: true });
  await symlink(pkg, path.join(modules, 'temporal-sync-state'), 'dir');
  for (const name of await readdir(path.join(root, 'node_modules', '@temporalio')))
    await symlink(
      path.join(root, 'node_modules', '@temporalio', name),
      path.join(modules, '@temporalio', name),
      'dir',
    );
}

/** A user's worker and client in one script: only the package's public entries. */
const userScript = `
const { Worker, NativeConnection } = require('@temporalio/worker');
const { Client, Connection } = require('@temporalio/client');
const { SyncStatePlugin, startSyncWorkflow } = require('temporal-sync-state');
const { createStateActivities } = require('temporal-sync-state/activities');
const { SyncSession } = require('temporal-sync-state/workflow');

// A source of 250 orders per stream, read 100 at a time after the committed cursor.
const readOrders = async ({ state, limit }) => {
  const after = state && typeof state.id === 'number' ? state.id : 0;
  const last = Math.min(after + limit, 250);
  const records = [];
  for (let id = after + 1; id <= last; id++) records.push({ id, total: id * 3 });
  return { records, state: { id: last }, done: last >= 250 };
};

async function main() {
  if (typeof createStateActivities !== 'function' || typeof SyncSession !== 'function')
    throw new Error('the activities and workflow entries export what docs/api.md lists');
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: 'published-package',
    workflowsPath: require.resolve('temporal-sync-state/workflows'),
    plugins: [new SyncStatePlugin({ url: process.env.DATABASE_URL, readers: { orders: readOrders } })],
  });
  const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS }) });
  const progress = await worker.runUntil(async () => {
    const handle = await startSyncWorkflow(
      client,
      {
        connectionId: 'published',
        source: { name: 'shop', reader: 'orders', streams: ['orders', 'refunds'] },
        destination: { tablePrefix: 'pub_' },
        batchSize: 100,
      },
      { taskQueue: 'published-package' },
    );
    return handle.result();
  });
  process.stdout.write(JSON.stringify(progress));
  await client.connection.close();
  await connection.close();
}
main().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
`;

describe('the published package', () => {
  test('holds the library and none of the example', async () => {
    assert.ok(existsSync(path.join(pkg, 'dist/src/index.js')));
    assert.ok(existsSync(path.join(pkg, 'dist/workflows/sync-workflows.js')));
    for (const example of ['dist/examples', 'dist/workflows/examples', 'dist/activities/examples'])
      assert.ok(!existsSync(path.join(pkg, example)), `${example} is not in the package`);
    await writeFile(
      path.join(app, 'internal.js'),
      "require('temporal-sync-state/dist/src/errors');",
    );
    await assert.rejects(
      run(process.execPath, ['internal.js'], { cwd: app }),
      /ERR_PACKAGE_PATH_NOT_EXPORTED/,
      'only the exports map is reachable',
    );
  });

  test("a user's worker built from its public entries alone runs batchSyncWorkflow with its own reader", async () => {
    await writeFile(path.join(app, 'worker.js'), userScript);
    const { stdout } = await run(process.execPath, ['worker.js'], {
      cwd: app,
      timeout: 240_000,
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, TEMPORAL_ADDRESS: env.address },
    });
    const progress = JSON.parse(stdout) as {
      status: string;
      recordsCommitted: number;
      streams: { name: string; checkpoint: number }[];
    };
    assert.equal(progress.status, 'completed');
    assert.equal(progress.recordsCommitted, 500);
    assert.deepEqual(
      progress.streams.map((s) => [s.name, s.checkpoint]),
      [
        ['orders', 3],
        ['refunds', 3],
      ],
    );
    const backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
    try {
      const rows = await backend.fork().execute<{ stream: string; n: string; ids: string }[]>(
        `select 'orders' as stream, count(*) as n, count(distinct id) as ids from pub_orders
           union all select 'refunds', count(*), count(distinct id) from pub_refunds`,
      );
      assert.deepEqual(
        rows.map((r) => [r.stream, Number(r.n), Number(r.ids)]),
        [
          ['orders', 250, 250],
          ['refunds', 250, 250],
        ],
        'every record once',
      );
    } finally {
      await backend.close();
    }
  });
});
