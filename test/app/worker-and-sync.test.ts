import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
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

/** A TCP port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/** The sum of a Prometheus metric's samples over all its label sets (0 when absent). */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

describe('the worker and sync entries', () => {
  test('npm run worker serves the task queue and Prometheus metrics; npm run sync runs a sync on it; the committed-record counter equals the records committed', async () => {
    // As the Dockerfile runs it: a prebuilt workflow bundle and the worker process settings.
    bundleDir = await mkdtemp(join(tmpdir(), 'bundle-'));
    const bundle = join(bundleDir, 'workflows.js');
    const { stdout: bundled } = await run('bundle-workflows.ts', [bundle], env());
    assert.match(bundled, /Wrote the workflow bundle \(\d+\.\d MB\) to /);
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    worker = spawn(
      process.execPath,
      [...WORKER_NODE_OPTIONS, '--import', 'tsx', join(root, 'examples', 'worker.ts')],
      {
        env: env({
          ...WORKER_PROCESS_ENV,
          SYNC_WORKFLOW_BUNDLE: bundle,
          SYNC_METRICS_ADDRESS: metricsAddress,
        }),
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

    assert.ok(output.includes(`Metrics: http://${metricsAddress}/metrics (Prometheus)`), output);
    const scrape = async () => (await fetch(`http://${metricsAddress}/metrics`)).text();
    assert.match(await scrape(), /temporal_/, "the SDK's own metrics are served");

    // Scraped while the sync runs, as Prometheus would, and once it has ended.
    const sync = run(
      'client.ts',
      ['--connection', 'entries', '--records', '200', '--batch-size', '50'],
      env(),
    );
    let duringSync = 0;
    let syncEnded = false;
    void sync.finally(() => (syncEnded = true)).catch(() => undefined);
    while (!syncEnded) {
      duringSync = Math.max(duringSync, metricSum(await scrape(), 'sync_state_records_committed'));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { stdout } = await sync;
    for (const stream of ['products', 'purchases', 'users'])
      assert.match(stdout, new RegExp(`${stream}\\s+200\\s+4\\s`));
    assert.match(stdout, /600 records committed in 12 batches/);
    assert.ok(duringSync <= 600, `at most the records committed while it ran: ${duringSync}`);
    const metrics = await scrape();
    assert.equal(metricSum(metrics, 'sync_state_records_committed'), 600, metrics);
    assert.equal(metricSum(metrics, 'sync_state_commits'), 12, metrics);
    assert.equal(metricSum(metrics, 'sync_state_commit_latency_count'), 12, metrics);
    assert.ok(metricSum(metrics, 'sync_state_state_bytes_written') > 0, metrics);
    assert.match(metrics, /sync_state_seconds_since_last_commit\{[^}]*task_queue="/);
    assert.doesNotMatch(output, /webpack|modules by path|compiled successfully/i);

    worker.kill('SIGTERM');
    const [code] = (await once(worker, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    assert.match(output, /SIGTERM: shutting down gracefully/);
  });

  test('a worker that bundles its workflows at start prints no webpack output, and stops on SIGINT', async () => {
    const starting = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'examples', 'worker.ts')],
      {
        env: env({ SYNC_METRICS_ADDRESS: 'off', SYNC_TASK_QUEUE: `${taskQueue}-bundling` }),
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    starting.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    starting.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      for (let i = 0; i < 900 && !output.includes('Metrics: off'); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      assert.match(output, /workflows bundled at start-up\nMetrics: off\n/);
      assert.doesNotMatch(output, /webpack|modules by path|compiled successfully|asset /i, output);
      starting.kill('SIGINT');
      const [code] = (await once(starting, 'exit')) as [number | null];
      assert.equal(code, 0, output);
      assert.match(output, /SIGINT: shutting down gracefully/);
    } finally {
      if (starting.exitCode === null) starting.kill('SIGKILL');
    }
  });

  test('without DATABASE_URL the worker says so in one line and exits 2 (bad settings)', async () => {
    await assert.rejects(
      run('worker.ts', [], env({ DATABASE_URL: undefined })),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2);
        assert.equal(
          error.stderr.trim(),
          'error: Invalid DATABASE_URL: expected a postgres:// URL in the environment (or run `npm run demo`, which starts one), got nothing.',
        );
        return true;
      },
    );
  });

  test('a SYNC_WORKFLOW_BUNDLE that does not exist stops the worker with one line', async () => {
    await assert.rejects(
      run('worker.ts', [], env({ SYNC_WORKFLOW_BUNDLE: '/nonexistent/bundle.js' })),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2);
        assert.equal(
          error.stderr.trim(),
          'error: Invalid SYNC_WORKFLOW_BUNDLE: expected the path of a bundle written by `npm run bundle-workflows -- FILE`, got /nonexistent/bundle.js, which does not exist.',
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
            assert.equal(error.code, 2);
            const line = error.stderr.trim();
            assert.ok(
              line.startsWith(
                `error: Invalid Temporal settings (TEMPORAL_* variables, TEMPORAL_CONFIG_FILE=${file}): expected a temporal.toml of [profile.<name>] tables (or none), the profile TEMPORAL_PROFILE names, and readable TLS files, got `,
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

  test('sync without --connection says so in one line and exits 2 (usage)', async () => {
    await assert.rejects(run('client.ts', [], env()), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.equal(
        error.stderr.trim(),
        'error: --connection ID is required. See: npm run sync -- --help',
      );
      return true;
    });
  });

  test('worker and sync answer --help with their options and refuse unknown ones (exit 2)', async () => {
    const { stdout: workerHelp } = await run('worker.ts', ['--help'], env());
    assert.match(workerHelp, /^Usage: npm run worker/);
    assert.match(workerHelp, /SYNC_METRICS_ADDRESS/);
    const { stdout: syncHelp } = await run('client.ts', ['--help'], env());
    assert.match(syncHelp, /^Usage: npm run sync/);
    assert.match(syncHelp, /--connection ID/);
    for (const [script, args] of [
      ['worker.ts', ['--bogus']],
      ['client.ts', ['--connection', 'x', '--bogus']],
      ['client.ts', ['--connection', 'x', '--records', 'abc']],
    ] as const)
      await assert.rejects(
        run(script, [...args], env()),
        (error: { code: number; stderr: string }) => {
          assert.equal(error.code, 2, `${script} ${args.join(' ')}`);
          assert.match(error.stderr.trim(), /^error: [^\n]*(--bogus|--records)[^\n]*$/);
          return true;
        },
      );
  });

  test('an unreachable Temporal: one line that names its address, exit 1', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    await assert.rejects(
      run('client.ts', ['--connection', 'x'], env({ TEMPORAL_ADDRESS: address })),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(
          error.stderr.trim(),
          new RegExp(`^error: Cannot connect to Temporal at ${address}: [^\\n]+$`),
        );
        return true;
      },
    );
  });
});
