import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createTestTemporalEnv, resolveTemporalCli } from '../../examples/servers/temporal-cli';
import { greet, type GreetActivities } from './workflows';

// The Worker's and the bundler's INFO lines would bury the test runner's report.
const quietLogger = new DefaultLogger('WARN');
Runtime.install({ logger: quietLogger });

describe('the Temporal dev server', () => {
  const existingServer = process.env.TEMPORAL_ADDRESS;
  let env: TestWorkflowEnvironment | undefined;
  let startMs = 0;

  before(async () => {
    const started = Date.now();
    env = await createTestTemporalEnv();
    startMs = Date.now() - started;
  });
  after(async () => {
    await env?.teardown();
  });

  test('starts from the resolved Temporal CLI and answers', async (t) => {
    assert.ok(env);
    if (existingServer) {
      t.diagnostic(`TEMPORAL_ADDRESS=${existingServer}: using that server, no CLI started`);
    } else {
      const cli = resolveTemporalCli();
      assert.ok(cli, 'no Temporal CLI found: run `bash scripts/setup-python.sh`');
      t.diagnostic(`dev server from ${cli} ready in ${startMs} ms`);
    }
    const info = await env.connection.workflowService.getSystemInfo({});
    assert.match(info.serverVersion ?? '', /^\d+\.\d+/);
  });

  test('runs a workflow bundled from test/infra on a Worker and returns its result', async (t) => {
    assert.ok(env);
    const started = Date.now();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./workflows'),
      logger: quietLogger,
    });
    t.diagnostic(`workflow bundle built in ${Date.now() - started} ms`);
    const taskQueue = `smoke-${randomUUID()}`;
    const activities: GreetActivities = { shout: (text) => Promise.resolve(text.toUpperCase()) };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle,
      activities,
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(greet, { taskQueue, workflowId: taskQueue, args: ['world'] }),
    );
    assert.equal(result, 'Hello, WORLD!');
  });
});
