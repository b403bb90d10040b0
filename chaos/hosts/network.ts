/**
 * The servers of a chaos run on separate network hosts: a lab (lab.ts) with PostgreSQL and the
 * Temporal dev server on hosts of their own, Toxiproxy on the hub with one proxy per worker
 * link, and the gateway through which the harness itself reaches them (on loopback only). Each
 * worker gets a host of its own whose only way out is its two proxies; the faults of the network
 * scenarios are made on those links.
 */
import { type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaosPostgres, ChaosTemporal } from '../environment';
import { createDatabase, dropDatabase } from '../../examples/servers/databases';
import { NetworkLab } from './lab';
import { openLoopback, type LoopbackRoute } from './loopback';
import { type PostgresHost, startPostgresHost } from './postgres-host';
import { startTemporalHost, type TemporalHost } from './temporal-host';
import { ensureToxiproxy, ToxiproxyClient } from './toxiproxy';

/** Which of a worker's two links. */
export type WorkerLink = 'postgres' | 'temporal';

/**
 * How a link is cut: `blackhole` drops every byte both ways (connections hang; at the heal
 * they are closed, as TCP gives up on them); `hold` delivers nothing until the heal, then all of
 * it in order (a partition shorter than TCP's retries); `answers` drops only what the server
 * sends (a request lands, its answer never comes back: the ambiguous commit); `reset` resets
 * every connection and refuses new ones (a REJECT rule).
 */
export type CutKind = 'blackhole' | 'hold' | 'answers' | 'reset';

/** A slow, lossy link: latency with jitter, a bandwidth limit, and a share of connections dropped. */
export interface SlowLink {
  readonly latencyMs: number;
  readonly jitterMs: number;
  /** KB/s each way; 0 for no limit. */
  readonly rateKBps: number;
  /** Share (0..1) of connections closed after 128 KB sent by the client (`limit_data`). Default: 0. */
  readonly dropShare?: number;
}

/** A worker's endpoints: its proxies on the hub. */
export interface WorkerEndpoints {
  readonly ns: string;
  /** The scenario database's URL through the worker's PostgreSQL proxy. */
  databaseUrl(database: string): string;
  /** The Temporal address through the worker's Temporal proxy. */
  readonly temporalAddress: string;
}

/** The servers and links of a run on separate hosts. */
export interface ChaosNetwork {
  readonly lab: NetworkLab;
  readonly postgres: ChaosPostgres & {
    /** Cuts the database host off, SIGKILLs all its processes, and starts it again after `downMs`. */
    crash(downMs: number): Promise<void>;
  };
  readonly temporal: ChaosTemporal;
  /** Adds a worker host and its two proxies (again after {@link removeWorker}). */
  addWorker(name: string): Promise<WorkerEndpoints>;
  /** Starts a process on a worker's host. */
  spawn(
    worker: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions,
  ): ChildProcess;
  removeWorker(name: string): Promise<void>;
  cut(worker: string, link: WorkerLink, kind: CutKind): Promise<void>;
  /** Ends a cut (and only a cut) of a worker's link. */
  heal(worker: string, link: WorkerLink): Promise<void>;
  /** Makes a link slow and lossy until {@link unslow}. */
  slow(worker: string, link: WorkerLink, slow: SlowLink): Promise<void>;
  unslow(worker: string, link: WorkerLink): Promise<void>;
  /** Takes a worker's host off the network (its bridge port down): packets are lost, nothing is reset. */
  isolate(worker: string, isolated: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The toxiproxy API's port, on the hub's loopback. */
const TOXIPROXY_API_PORT = 8474;
/** First listening port of the workers' proxies on the hub. */
const FIRST_PROXY_PORT = 20_000;
/** A `hold` is a latency longer than any scenario: an hour. */
const HOLD_MS = 3_600_000;

/** Starts the lab, PostgreSQL, Temporal, Toxiproxy and the gateway; `dir` gets their logs. */
export async function startChaosNetwork(dir: string): Promise<ChaosNetwork> {
  const lab = await NetworkLab.create();
  const loopbacks: LoopbackRoute[] = [];
  const sockets = await mkdtemp(join(tmpdir(), 'chaos-lab-'));
  try {
    const pgHost = await lab.addHost('postgres');
    const temporalHost = await lab.addHost('temporal');
    const toxiproxyBinary = await ensureToxiproxy();
    const toxiproxyLog = createWriteStream(join(dir, 'toxiproxy.log'), { flags: 'a' });
    const toxiproxy = lab.spawn(
      'hub',
      toxiproxyBinary,
      ['-host', '127.0.0.1', '-port', String(TOXIPROXY_API_PORT)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    toxiproxy.stdout?.pipe(toxiproxyLog);
    toxiproxy.stderr?.pipe(toxiproxyLog);
    const routes = {
      postgres: `${pgHost.address}:5432`,
      temporal: `${temporalHost.address}:7233`,
      toxiproxy: `127.0.0.1:${TOXIPROXY_API_PORT}`,
    };
    await startGateway(lab, sockets, routes, join(dir, 'gateway.log'));
    const [pgRoute, temporalRoute, apiRoute] = await Promise.all(
      Object.keys(routes).map((name) => openLoopback(join(sockets, `${name}.sock`))),
    );
    if (!pgRoute || !temporalRoute || !apiRoute) throw new Error('gateway routes missing');
    loopbacks.push(pgRoute, temporalRoute, apiRoute);
    const api = new ToxiproxyClient(`http://${apiRoute.address}`);
    const [pg, temporal] = await Promise.all([
      startPostgresHost(lab, {
        // lab-*: a full run also has the local servers, whose files are postgres.log, temporal.*.
        logFile: join(dir, 'lab-postgres.log'),
        adminHostPort: () => pgRoute.address,
      }),
      startTemporalHost(lab, {
        dbFilename: join(dir, 'lab-temporal.db'),
        logFile: join(dir, 'lab-temporal.log'),
        harnessAddress: () => temporalRoute.address,
      }),
      api.waitReady(),
    ]);
    return network(lab, pg, temporal, api, pgRoute, temporalRoute, async () => {
      for (const route of loopbacks) await route.close();
      await temporal.close();
      await pg.close();
      await lab.destroy();
      await rm(sockets, { recursive: true, force: true });
    });
  } catch (error) {
    for (const route of loopbacks) await route.close();
    await lab.destroy();
    await rm(sockets, { recursive: true, force: true });
    throw error;
  }
}

function network(
  lab: NetworkLab,
  pg: PostgresHost,
  temporalHost: TemporalHost,
  api: ToxiproxyClient,
  pgRoute: LoopbackRoute,
  temporalRoute: LoopbackRoute,
  close: () => Promise<void>,
): ChaosNetwork {
  const adminUrl = pg.url(pgRoute.address);
  const ports = new Map<string, number>();
  let nextPort = FIRST_PROXY_PORT;
  const proxy = (worker: string, link: WorkerLink) => `${worker}-${link}`;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    lab,
    postgres: {
      adminUrl,
      outageKind: 'restart',
      createDatabase: async (name) => (await createDatabase(adminUrl, name)).url,
      dropDatabase: (name) => dropDatabase(adminUrl, name),
      outage: async ({ mode, downMs }) => {
        await pg.stop(mode);
        await sleep(downMs);
        await pg.start();
      },
      crash: async (downMs) => {
        await pg.crash();
        await sleep(downMs);
        await pg.start();
      },
      close: () => Promise.resolve(), // with the network
    },
    temporal: {
      address: temporalRoute.address,
      restart: async (downMs) => {
        await temporalHost.kill();
        await sleep(downMs);
        await temporalHost.start();
      },
      close: () => Promise.resolve(),
    },
    async addWorker(name) {
      const host = await lab.addHost(name);
      for (const link of ['postgres', 'temporal'] as const) {
        const port = ports.get(proxy(name, link)) ?? nextPort++;
        ports.set(proxy(name, link), port);
        await api.createProxy(
          proxy(name, link),
          `${lab.hubAddress}:${port}`,
          link === 'postgres' ? pg.labAddress : temporalHost.labAddress,
        );
      }
      const pgPort = ports.get(proxy(name, 'postgres')) ?? 0;
      return {
        ns: host.ns,
        databaseUrl: (database) => pg.url(`${lab.hubAddress}:${pgPort}`, database),
        temporalAddress: `${lab.hubAddress}:${ports.get(proxy(name, 'temporal'))}`,
      };
    },
    spawn: (worker, command, args, options) => lab.spawn(worker, command, args, options),
    async removeWorker(name) {
      lab.removeHost(name);
      for (const link of ['postgres', 'temporal'] as const)
        await api.deleteProxy(proxy(name, link)).catch(() => undefined);
    },
    async cut(worker, link, kind) {
      const name = proxy(worker, link);
      if (kind === 'reset') return api.setEnabled(name, false);
      const streams =
        kind === 'answers' ? (['downstream'] as const) : (['upstream', 'downstream'] as const);
      for (const stream of streams)
        await api.addToxic(name, {
          name: `cut-${stream}`,
          type: kind === 'hold' ? 'latency' : 'timeout',
          stream,
          attributes: kind === 'hold' ? { latency: HOLD_MS, jitter: 0 } : { timeout: 0 },
        });
    },
    async heal(worker, link) {
      const name = proxy(worker, link);
      await api.setEnabled(name, true);
      for (const toxic of await api.toxics(name))
        if (toxic.startsWith('cut-')) await api.removeToxic(name, toxic);
    },
    async slow(worker, link, slow) {
      const name = proxy(worker, link);
      for (const stream of ['upstream', 'downstream'] as const) {
        await api.addToxic(name, {
          name: `slow-latency-${stream}`,
          type: 'latency',
          stream,
          attributes: { latency: slow.latencyMs, jitter: slow.jitterMs },
        });
        if (slow.rateKBps > 0)
          await api.addToxic(name, {
            name: `slow-bandwidth-${stream}`,
            type: 'bandwidth',
            stream,
            attributes: { rate: slow.rateKBps },
          });
      }
      if (slow.dropShare)
        await api.addToxic(name, {
          name: 'slow-drop',
          type: 'limit_data',
          stream: 'upstream',
          toxicity: slow.dropShare,
          // A dropped connection: closed after some data, in the middle of a request.
          attributes: { bytes: 128 * 1024 },
        });
    },
    async unslow(worker, link) {
      const name = proxy(worker, link);
      for (const toxic of await api.toxics(name))
        if (toxic.startsWith('slow-')) await api.removeToxic(name, toxic);
    },
    isolate: (worker, isolated) => lab.setLink(worker, !isolated),
    close,
  };
}

/** Starts gateway.ts in the hub: one Unix socket in `dir` per route. */
async function startGateway(
  lab: NetworkLab,
  dir: string,
  routes: Record<string, string>,
  logFile: string,
): Promise<void> {
  const child = lab.spawn(
    'hub',
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, 'gateway.ts'),
      ...Object.entries(routes).map(([name, target]) => `${join(dir, `${name}.sock`)}=${target}`),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(__dirname, '..', '..') },
  );
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stderr?.pipe(log);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('gateway ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the lab's gateway exited (code ${code}): see ${logFile}`)),
    );
  });
}
