#!/usr/bin/env node
/**
 * `npm run bundle-workflows -- FILE`: writes the example workflows, bundled as the worker runs
 * them, to FILE. A worker given `SYNC_WORKFLOW_BUNDLE=FILE` loads it instead of bundling with
 * webpack at start-up (seconds of CPU and a peak of memory that the process keeps), as Temporal
 * recommends for production; the Dockerfile builds it into the image.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { runMain } from './support/main';

runMain(async () => {
  const target = process.argv[2];
  if (!target) throw new Error('usage: bundle-workflows FILE (where to write the bundle)');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows/examples'),
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(resolve(target), code);
  process.stdout.write(
    `Wrote the workflow bundle (${(code.length / 2 ** 20).toFixed(1)} MB) to ${resolve(target)}\n`,
  );
});
