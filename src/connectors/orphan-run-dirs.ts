import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Run folders are named `airbyte-run-<pid>-<random>`, so that a crashed worker's can be found. */
const RUN_DIR = /^airbyte-run-(\d+)-/;

/** The prefix of this process's run folders (for `mkdtemp`). */
export function runDirPrefix(): string {
  return `airbyte-run-${process.pid}-`;
}

/**
 * Removes the run folders that processes no longer running left in `parent` (a worker killed
 * mid-read cannot remove its own, and they hold connector configs, secrets included). Called
 * before each run: one directory listing. Never fails the caller.
 */
export async function sweepOrphanRunDirs(parent: string): Promise<void> {
  await removeOrphans(parent).catch(() => undefined);
}

async function removeOrphans(parent: string): Promise<void> {
  for (const name of await readdir(parent)) {
    const pid = Number(RUN_DIR.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    await rm(join(parent, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
