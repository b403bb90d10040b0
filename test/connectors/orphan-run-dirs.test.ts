import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runDirPrefix, sweepOrphanRunDirs } from '../../src/connectors/orphan-run-dirs';

describe('sweepOrphanRunDirs', () => {
  test('removes the run folders of processes that are gone, and only those', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sweep-'));
    try {
      const gone = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
      const names = [`airbyte-run-${gone}-abc`, `${runDirPrefix()}mine`, 'airbyte-run-x', 'other'];
      for (const name of names) await mkdir(path.join(parent, name));
      await sweepOrphanRunDirs(parent);
      assert.deepEqual((await readdir(parent)).sort(), names.slice(1).sort());
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
