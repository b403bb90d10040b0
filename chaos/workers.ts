/**
 * The chaos workers of one scenario: separate OS processes (chaos/worker.ts) that the harness
 * starts, SIGKILLs by their pid and starts again. A worker that dies is restarted after a seeded
 * delay; every exit is classified: killed by the harness, killed by itself at a fault point
 * (worker-faults.ts), or crashed (anything else: a fault the scenario must report).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionTimeouts } from '../src/backend/options';
import type { EventLog } from './events';
import type { ChaosNetwork, WorkerEndpoints } from './hosts/network';
import type { SeededRandom } from './random';
import type { WorkerFaults } from './worker-faults';

/** Project root: chaos/.. */
const ROOT = join(__dirname, '..');

/** Every worker process still running, so that an exiting harness leaves none behind. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One worker of a scenario. */
export interface WorkerSpec {
  /** Its name, e.g. `w1`. */
  readonly name: string;
  /** Whether the harness may kill it. */
  readonly killable: boolean;
  /** Batches at whose fault point it kills itself (see worker-faults.ts). Default: none. */
  readonly kills?: WorkerFaults['kills'];
  /** Batches that stall at a fault point until released (see worker-faults.ts). Default: none. */
  readonly stalls?: WorkerFaults['stalls'];
  /** Extra time each read takes, in ms. Default: 0. */
  readonly readDelayMs?: number;
  /**
   * Long polls it keeps open per task kind (activity, workflow; at least 2). Each open poll of a
   * host that died can be handed a task that is then lost until its timeout. Default: the SDK's (10).
   */
  readonly polls?: number;
}

/** Where the workers connect, and how. */
export interface WorkerEnvironment {
  readonly databaseUrl: string;
  readonly temporalAddress: string;
  readonly taskQueue: string;
  readonly workflowBundle: string;
  /** The plugin's pool size per worker. */
  readonly poolSize: number;
  /** Prefix of the workers' `application_name` in pg_stat_activity. */
  readonly appName: string;
  /** Timeouts of each worker's state plugin connections. Default: the library's. */
  readonly timeouts?: ConnectionTimeouts;
  /**
   * The lab when the workers run on hosts of their own: each worker gets a host whose only links
   * are its proxies to PostgreSQL and Temporal (`databaseUrl` names the database to reach).
   * Default: none (workers run on this host and use `databaseUrl` and `temporalAddress`).
   */
  readonly network?: ChaosNetwork;
}

/** How a worker process ended. */
export interface WorkerExit {
  readonly worker: string;
  readonly pid: number;
  readonly by: 'harness' | 'self' | 'crash';
  readonly code: number | null;
  readonly signal: string | null;
  readonly t: number;
}

interface Running {
  readonly spec: WorkerSpec;
  child: ChildProcess;
  ready: Promise<void>;
  isReady: boolean;
  killedByHarness: boolean;
}

/** The worker processes of one scenario. */
export class ChaosWorkers {
  readonly exits: WorkerExit[] = [];
  /** How many times a worker process was started (first starts included). */
  starts = 0;
  private readonly running = new Map<string, Running>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly hosts = new Map<string, WorkerEndpoints>();
  /** Workers whose host is gone for good: never restarted. */
  private readonly retired = new Set<string>();
  private stopping = false;

  constructor(
    private readonly specs: readonly WorkerSpec[],
    private readonly env: WorkerEnvironment,
    private readonly dir: string,
    private readonly events: EventLog,
    private readonly random: SeededRandom,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts every worker and waits until each polls its task queue; throws if one cannot start. */
  async start(): Promise<void> {
    if (this.env.network)
      for (const spec of this.specs)
        this.hosts.set(spec.name, await this.env.network.addWorker(spec.name));
    await Promise.all(this.specs.map((spec) => this.spawn(spec).ready));
    for (const spec of this.specs) {
      if (!this.running.get(spec.name)?.isReady)
        throw new Error(
          `chaos worker ${spec.name} did not start: see ${join(this.dir, `worker-${spec.name}.log`)}`,
        );
    }
  }

  /** Names of the killable workers that are up and polling now. */
  killableUp(): string[] {
    return [...this.running.values()]
      .filter(
        (r) =>
          r.spec.killable && r.isReady && r.child.exitCode === null && r.child.signalCode === null,
      )
      .map((r) => r.spec.name);
  }

  /** The pid of a worker that is up. */
  pid(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  /** Exits not caused by a kill: each one is a crash the scenario reports. */
  crashes(): WorkerExit[] {
    return this.exits.filter((e) => e.by === 'crash');
  }

  /**
   * SIGKILLs the process `pid` of a worker, one we started, and waits until it is gone (it is
   * restarted later). False when that process had already exited.
   */
  async kill(name: string, pid: number): Promise<boolean> {
    const running = this.running.get(name);
    const { child } = running ?? {};
    if (
      !running ||
      !child ||
      child.pid !== pid ||
      child.exitCode !== null ||
      child.signalCode !== null
    )
      return false;
    running.killedByHarness = true;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    return true;
  }

  /**
   * SIGKILLs a worker for good (its host died): it is not restarted and its exit is not a crash.
   * Works on a stopped (SIGSTOP) process too.
   */
  async retire(name: string): Promise<void> {
    this.retired.add(name);
    const running = this.running.get(name);
    if (running) await this.kill(name, running.child.pid ?? -1);
  }

  /** Stops every worker: SIGTERM (graceful), then SIGKILL after `graceMs`; no more restarts. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.running.values()].map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
    for (const stream of this.logs.values()) stream.end();
    for (const name of this.hosts.keys()) await this.env.network?.removeWorker(name);
    this.hosts.clear();
  }

  private spawn(spec: WorkerSpec): Running {
    const faults: WorkerFaults = {
      worker: spec.name,
      eventsFile: this.events.file,
      kills: spec.kills ?? [],
      stalls: spec.stalls ?? [],
      readDelayMs: spec.readDelayMs ?? 0,
    };
    const host = this.hosts.get(spec.name);
    const database = decodeURIComponent(new URL(this.env.databaseUrl).pathname.slice(1));
    const args = ['--import', 'tsx', join(ROOT, 'chaos', 'worker.ts')];
    const options = {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR,
        DATABASE_URL: host ? host.databaseUrl(database) : this.env.databaseUrl,
        TEMPORAL_ADDRESS: host ? host.temporalAddress : this.env.temporalAddress,
        SYNC_TASK_QUEUE: this.env.taskQueue,
        CHAOS_WORKFLOW_BUNDLE: this.env.workflowBundle,
        CHAOS_POOL_SIZE: String(this.env.poolSize),
        CHAOS_FAULTS: JSON.stringify(faults),
        // node-postgres names its connections after this, so pg_stat_activity shows each worker's.
        PGAPPNAME: `${this.env.appName}-${spec.name}`,
        CHAOS_DB_TIMEOUTS: JSON.stringify(this.env.timeouts ?? {}),
        CHAOS_POLLS: spec.polls === undefined ? '' : String(spec.polls),
      },
      stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    };
    const child =
      host && this.env.network
        ? this.env.network.spawn(spec.name, process.execPath, args, options)
        : spawn(process.execPath, args, options);
    this.starts++;
    live.add(child);
    child.once('exit', () => live.delete(child));
    const log = this.logOf(spec.name);
    log.write(`--- ${new Date().toISOString()} start of ${spec.name}, pid ${child.pid} ---\n`);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const running: Running = {
      spec,
      child,
      ready: Promise.resolve(),
      isReady: false,
      killedByHarness: false,
    };
    running.ready = new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`chaos worker ${spec.name} ready`)) {
          child.stdout?.off('data', onData);
          running.isReady = true;
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', () => reject(new Error(`worker ${spec.name} exited before it was ready`)));
    }).catch(() => undefined); // a worker that dies while starting is restarted like any other
    child.once('exit', (code, signal) => this.onExit(running, code, signal));
    this.running.set(spec.name, running);
    return running;
  }

  private onExit(running: Running, code: number | null, signal: NodeJS.Signals | null): void {
    const pid = running.child.pid ?? 0;
    const self = this.events.activities().some((e) => e.e === 'selfKill' && e.pid === pid);
    const by = running.killedByHarness ? 'harness' : self ? 'self' : 'crash';
    if (!(this.stopping && by === 'crash'))
      this.exits.push({ worker: running.spec.name, pid, by, code, signal, t: Date.now() });
    if (by === 'crash' && !this.stopping)
      this.log(`worker ${running.spec.name} (pid ${pid}) CRASHED: code ${code}, signal ${signal}`);
    if (this.stopping || this.retired.has(running.spec.name)) return;
    setTimeout(
      () => {
        if (!this.stopping) this.spawn(running.spec);
      },
      this.random.int(0, 500),
    );
  }

  private logOf(name: string): WriteStream {
    let stream = this.logs.get(name);
    if (!stream) {
      stream = createWriteStream(join(this.dir, `worker-${name}.log`), { flags: 'a' });
      this.logs.set(name, stream);
    }
    return stream;
  }
}
