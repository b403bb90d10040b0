/**
 * The few `ip` commands the network lab needs (iproute2, as root): namespaces, veth pairs, a
 * bridge, links up and down, and the processes inside a namespace. Synchronous variants exist
 * for clean-up in an `exit` listener, where nothing can be awaited.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `ip ...args`; rejects with ip's own message. */
export async function ip(...args: string[]): Promise<string> {
  try {
    return (await run('ip', args)).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')}: ${stderr || String(error)}`);
  }
}

/** Names of every network namespace on the machine (`ip netns list`). */
export function listNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Pids of the processes whose network namespace is `ns` (`ip netns pids`). */
export function pidsIn(ns: string): number[] {
  try {
    const out = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
    return out
      .split('\n')
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return []; // the namespace is gone already
  }
}

/**
 * SIGKILLs every process inside `ns`, waits (up to 5 s) until none is left, and deletes the
 * namespace, which also removes the veth ends inside it and so their peers. Synchronous.
 */
export function destroyNamespaceSync(ns: string): void {
  const deadline = Date.now() + 5000;
  for (let pids = pidsIn(ns); pids.length > 0 && Date.now() < deadline; pids = pidsIn(ns)) {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    execFileSync('sleep', ['0.05']);
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // already deleted
  }
}

/** Whether this process may create namespaces: root, with iproute2's `ip` on PATH. */
export function canCreateNamespaces(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every IPv4 address (CIDR) configured in the namespace `ns`, or in the root one. */
export function addressesIn(ns?: string): string[] {
  const args = [...(ns ? ['-n', ns] : []), '-4', '-o', 'addr', 'show'];
  const out = execFileSync('ip', args, { encoding: 'utf8' });
  return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((m) => m[1] as string);
}

/** Every IPv4 route destination in the root namespace (`default` excluded). */
export function rootRoutes(): string[] {
  const out = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((dest) => dest && dest !== 'default');
}
