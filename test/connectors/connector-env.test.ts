import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import {
  type ConnectorActivityOptions,
  createConnectorActivities,
} from '../../activities/connector-activities';
import { SqlStateBackend, startSync } from '../../src';
import { buildConnectorCommand } from '../../src/connectors/connector-command';
import { withTestDatabase } from '../helpers/database';
import { fake } from './fixtures/connectors';

const db = withTestDatabase();
let backend: SqlStateBackend;
let dir: string;

/** Secrets a worker holds in its environment, and a variable its owner lets connectors have. */
const secrets = {
  TEMPORAL_API_KEY: 'temporal-api-key-0d1f',
  SYNC_TEST_SECRET: 'worker-secret-77e2',
};
const passed = { SYNC_TEST_PASSED: 'passed-through-5c3a' };

before(async () => {
  await db.ready();
  backend = await SqlStateBackend.connect({ url: db.url, poolSize: 2 });
  dir = await mkdtemp(path.join(tmpdir(), 'connector-env-'));
  Object.assign(process.env, secrets, passed);
});
after(async () => {
  for (const name of Object.keys({ ...secrets, ...passed })) delete process.env[name];
  await backend?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs a connector activity as Temporal would, inside a workflow run. */
function runActivity<K extends 'syncConnector' | 'discoverConnector'>(
  options: ConnectorActivityOptions,
  name: K,
  input: Parameters<ReturnType<typeof createConnectorActivities>[K]>[0],
) {
  const activity = createConnectorActivities(backend, options)[name] as (
    input: unknown,
  ) => Promise<unknown>;
  return new MockActivityEnvironment(
    { workflowExecution: { workflowId: 'sync-env', runId: 'run-env' }, activityId: '2' },
    { logger: new DefaultLogger('ERROR') },
  ).run(activity, input);
}

const worker = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TZ: 'UTC',
  TMPDIR: '/var/tmp',
  HOME: '/home/worker',
  DOCKER_HOST: 'unix:///run/docker.sock',
  DATABASE_URL: 'postgres://sync:hunter2@db/sync',
  TEMPORAL_API_KEY: 'key',
  AWS_SECRET_ACCESS_KEY: 'aws',
  NODE_OPTIONS: '--require /tmp/hook.js',
  HTTPS_PROXY: 'http://proxy:3128',
};
const files = { dir: '/tmp/run-1', config: 'config.json' };

describe('the environment of a connector', () => {
  test("a local connector gets the worker's PATH, locale, TZ and TMPDIR, a HOME of its own, and its entry's variables: nothing else", () => {
    const spec = {
      executable: '/opt/source-x',
      env: { API_TOKEN: 't', TZ: 'Europe/Paris' },
      passEnv: ['HTTPS_PROXY', 'NOT_SET_ON_THE_WORKER'],
    };
    assert.deepEqual(buildConnectorCommand(spec, 'check', files, { workerEnv: worker }).env, {
      PATH: worker.PATH,
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'Europe/Paris',
      TMPDIR: '/var/tmp',
      HOME: '/tmp/run-1/home',
      HTTPS_PROXY: 'http://proxy:3128',
      API_TOKEN: 't',
    });
    const withHome = { executable: '/opt/source-x', passEnv: ['HOME'] };
    assert.equal(
      buildConnectorCommand(withHome, 'spec', files, { workerEnv: worker }).env.HOME,
      '/home/worker',
      "an entry may pass the worker's HOME on purpose",
    );
  });

  test("a Docker connector: the CLI gets the base, HOME and DOCKER_* variables; the container only the entry's, by name", () => {
    const spec = { dockerImage: 'x/source-y:1', env: { API_TOKEN: 't' }, passEnv: ['HTTPS_PROXY'] };
    const command = buildConnectorCommand(spec, 'check', files, {
      workerEnv: worker,
      containerName: 'c1',
    });
    assert.deepEqual(command.env, {
      PATH: worker.PATH,
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'UTC',
      TMPDIR: '/var/tmp',
      HOME: '/home/worker',
      DOCKER_HOST: 'unix:///run/docker.sock',
      HTTPS_PROXY: 'http://proxy:3128',
      API_TOKEN: 't',
    });
    const names = command.args.flatMap((arg, i) => (command.args[i - 1] === '--env' ? [arg] : []));
    assert.deepEqual(names, ['HTTPS_PROXY', 'API_TOKEN'], 'only these reach the container');
  });
});

describe('connectors run by the worker', () => {
  test("a local connector sees none of the worker's secrets, DATABASE_URL included, but its entry's variables", async () => {
    assert.ok(process.env.DATABASE_URL, 'the worker (this test process) has a DATABASE_URL');
    const entry = {
      ...fake,
      name: 'fake-env',
      env: { FAKE_API_TOKEN: 'entry-token' },
      passEnv: ['SYNC_TEST_PASSED', 'SYNC_TEST_NOT_SET'],
    };
    await startSync(backend, { connectionId: 'e1', sourceName: 'fake-env', owner: 'run-env' });
    await runActivity({ connectors: [entry] }, 'syncConnector', {
      connectionId: 'e1',
      connector: { executable: fake.executable, name: 'fake-env' },
      config: { streams: { alpha: 1 }, reportEnv: true },
      destination: { tablePrefix: 'e1_' },
    });
    const [row] = await backend
      .fork()
      .execute<{ payload: { env: Record<string, string> } }[]>('select payload from e1_alpha');
    const env = row?.payload.env ?? {};
    const base = Object.keys(process.env).filter(
      (name) => ['PATH', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'].includes(name) || /^LC_/.test(name),
    );
    assert.deepEqual(
      Object.keys(env).sort(),
      [...base, 'HOME', 'FAKE_API_TOKEN', 'SYNC_TEST_PASSED'].sort(),
    );
    assert.equal(env.PATH, process.env.PATH);
    assert.equal(env.FAKE_API_TOKEN, 'entry-token');
    assert.equal(env.SYNC_TEST_PASSED, passed.SYNC_TEST_PASSED);
    assert.match(env.HOME ?? '', /\/airbyte-run-[^/]+\/home$/);
    assert.equal(existsSync(env.HOME ?? '/'), false, 'its HOME went with the run');
    const text = JSON.stringify(env);
    for (const secret of [process.env.DATABASE_URL, ...Object.values(secrets)])
      assert.ok(!text.includes(secret), 'no secret value under another name either');
  });

  test("a Docker connector: neither the Docker CLI nor the container gets the worker's secrets", async () => {
    // A stand-in Docker CLI that logs how it was called and answers as an engine would.
    const log = path.join(dir, 'docker-calls.jsonl');
    const docker = path.join(dir, 'docker');
    await writeFile(
      docker,
      `#!/usr/bin/env node
require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env }) + '\\n');
console.log(process.argv[2] === 'version' ? '27.0.0' : JSON.stringify({ type: 'CATALOG', catalog: { streams: [] } }));
`,
      { mode: 0o755 },
    );
    const entry = {
      dockerImage: 'x/source-y:1',
      env: { API_TOKEN: 'entry-token' },
      passEnv: ['SYNC_TEST_PASSED'],
    };
    await runActivity({ connectors: [entry], dockerPath: docker }, 'discoverConnector', {
      connector: { dockerImage: 'x/source-y:1' },
      config: {},
    });
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { argv: string[]; env: Record<string, string> });
    assert.deepEqual(
      calls.map((call) => call.argv[0]),
      ['version', 'run'],
    );
    for (const call of calls) {
      const text = JSON.stringify(call);
      for (const secret of [process.env.DATABASE_URL!, ...Object.values(secrets)])
        assert.ok(!text.includes(secret), `docker ${call.argv[0]} got no secret`);
    }
    const run = calls[1]!;
    const names = run.argv.flatMap((arg, i) => (run.argv[i - 1] === '--env' ? [arg] : []));
    assert.deepEqual(names, ['SYNC_TEST_PASSED', 'API_TOKEN'], 'the container gets only these');
    assert.equal(run.env.API_TOKEN, 'entry-token', 'by name, from the CLI environment');
    assert.equal(run.env.SYNC_TEST_PASSED, passed.SYNC_TEST_PASSED);
    assert.ok(!run.argv.some((arg) => arg.includes('entry-token')), 'no value on the command line');
  });
});
