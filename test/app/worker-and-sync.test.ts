import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { WORKER_NODE_OPTIONS, WORKER_PROCESS_ENV } from '../../examples/support/worker-process';
import { type DevServer, startDevServer } from '../../examples/servers/dev-server';
import { withTestDatabase } from '../helpers/database';

/** `npm run worker` and `npm run sync` as users run them: separate processes, configured by the environment. */
const db = withTestDatabase();
const root = join(__dirname, '..', '..');
const taskQueue = `entries-${randomUUID()}`;
let server: DevServer;
let worker: ChildProcess | undefined;
let bundleDir: string | undefined;

before(async () => {
  await db.ready();
  server = await startDevServer({ ui: false });
});
after(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await server?.stop();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: server.address,
    SYNC_TASK_QUEUE: taskQueue,
    ...extra,
  };
}

function run(script: string, args: string[], environment: NodeJS.ProcessEnv) {
  return promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(root, 'examples', script), ...args],
    { env: environment, cwd: root, timeout: 120_000 },
  );
}

describe('the worker and sync entries', () => {
  test('npm run worker serves the task queue, npm run sync runs a sync on it and prints the final state', async () => {
    // As the Dockerfile runs it: a prebuilt workflow bundle and the worker process settings.
    bundleDir = await mkdtemp(join(tmpdir(), 'bundle-'));
    const bundle = join(bundleDir, 'workflows.js');
    const { stdout: bundled } = await run('bundle-workflows.ts', [bundle], env());
    assert.match(bundled, /Wrote the workflow bundle \(\d+\.\d MB\) to /);
    worker = spawn(
      process.execPath,
      [...WORKER_NODE_OPTIONS, '--import', 'tsx', join(root, 'examples', 'worker.ts')],
      {
        env: env({ ...WORKER_PROCESS_ENV, SYNC_WORKFLOW_BUNDLE: bundle }),
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 600 && !output.includes('Worker ready'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(
      output,
      new RegExp(`Worker ready: task queue "${taskQueue}" on ${server.address}`),
    );
    assert.ok(output.includes(`workflows from the bundle ${bundle}`), output);
    assert.doesNotMatch(
      output,
      new RegExp(new URL(db.url).password),
      'the database password is not printed',
    );

    const { stdout } = await run(
      'client.ts',
      ['--connection', 'entries', '--records', '200', '--batch-size', '50'],
      env(),
    );
    for (const stream of ['products', 'purchases', 'users'])
      assert.match(stdout, new RegExp(`${stream}\\s+200\\s+4\\s`));
    assert.match(stdout, /600 records committed in 12 batches/);

    worker.kill('SIGTERM');
    const [code] = (await once(worker, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    assert.match(output, /SIGTERM: shutting down gracefully/);
  });

  test('without DATABASE_URL the worker says so in one line and exits 1', async () => {
    await assert.rejects(
      run('worker.ts', [], env({ DATABASE_URL: undefined })),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.equal(
          error.stderr.trim(),
          'Error: Invalid DATABASE_URL: expected a postgres:// URL in the environment (or run `npm run demo`, which starts one), got nothing.',
        );
        return true;
      },
    );
  });

  test('a SYNC_WORKFLOW_BUNDLE that does not exist stops the worker with one line', async () => {
    await assert.rejects(
      run('worker.ts', [], env({ SYNC_WORKFLOW_BUNDLE: '/nonexistent/bundle.js' })),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.equal(
          error.stderr.trim(),
          'Error: Invalid SYNC_WORKFLOW_BUNDLE: expected the path of a bundle written by `npm run bundle-workflows -- FILE`, got /nonexistent/bundle.js, which does not exist.',
        );
        return true;
      },
    );
  });

  test('an unreadable temporal.toml stops the worker with one line that names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'toml-'));
    try {
      const cases: [string, RegExp][] = [
        ['', /got a config file without profiles \(Cannot read properties of undefined/],
        ['garbage [[[', /got Invalid TOML document: illegal character in key/],
      ];
      for (const [text, reason] of cases) {
        const file = join(dir, 'temporal.toml');
        await writeFile(file, text);
        await assert.rejects(
          run('worker.ts', [], env({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: undefined })),
          (error: { code: number; stderr: string }) => {
            assert.equal(error.code, 1);
            const line = error.stderr.trim();
            assert.ok(
              line.startsWith(
                `Error: Invalid Temporal settings (TEMPORAL_* variables, TEMPORAL_CONFIG_FILE=${file}): expected a temporal.toml of [profile.<name>] tables (or none), the profile TEMPORAL_PROFILE names, and readable TLS files, got `,
              ),
              line,
            );
            assert.match(line, reason);
            return true;
          },
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('sync without --connection prints its usage and exits 1', async () => {
    await assert.rejects(run('client.ts', [], env()), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr, /--connection is required/);
      return true;
    });
  });
});
