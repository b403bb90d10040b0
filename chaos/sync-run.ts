/**
 * One scenario's syncs under faults: starts its chaos workers and the monitor, starts sync
 * workflows, waits for them through server restarts, and at the end checks every connection,
 * reads the workers' events and turns it all into a {@link ScenarioResult}.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { startSyncWorkflow } from '../src/client/sync-workflows';
import type { BatchSyncInput } from '../workflows/batch-sync-workflow';
import { SAMPLE_STREAM_NAMES } from '../examples/sample-source/streams';
import { type CheckResult, checkConnections } from './checker';
import { checkEvents } from './event-checks';
import { EventLog } from './events';
import type { ConnectionTimeouts } from '../src/backend/options';
import { StateMonitor } from './monitor';
import { type SyncOutcome, waitForWorkflow } from './sync-outcome';
import {
  checkRefusedCommits,
  refusedCommits,
  type RefusedCommit,
  type ReleaseMark,
  takeReleaseMark,
} from './zombie-check';
import { CHAOS_READER, SYNC_WORKFLOWS, type SyncPath } from './sync-path';
import type { ScenarioContext, ScenarioFigures, ScenarioResult } from './scenario';
import { ChaosWorkers, type WorkerSpec } from './workers';

export type { SyncOutcome } from './sync-outcome';

/** The source name of every chaos sync. */
export const SOURCE_NAME = 'chaos-source';

/** A connection that a scenario syncs. */
export interface ChaosConnection {
  readonly connectionId: string;
  /** Records per stream. */
  readonly count: number;
}

/** Options of {@link SyncRun}. */
export interface SyncRunOptions {
  readonly workers: readonly WorkerSpec[];
  readonly connections: readonly ChaosConnection[];
  /** The sync path (sync-path.ts). Default: `'batch'` (batchSyncWorkflow + syncBatch). */
  readonly path?: SyncPath;
  /** Streams synced at once (batch path). Default: the workflow's (3). */
  readonly streamConcurrency?: number;
  /** Pool size of each worker's plugin. Default: 4. */
  readonly poolSize?: number;
  /** Non-retryable StaleCheckpoint failures are expected (fencing); otherwise each is a problem. Default: false. */
  readonly expectStaleCommits?: boolean;
  /** Timeouts of the workers' state connections. Default: the library's. */
  readonly timeouts?: ConnectionTimeouts;
}

/** The workers, monitor and syncs of one scenario. */
export class SyncRun {
  readonly events: EventLog;
  readonly workers: ChaosWorkers;
  readonly monitor: StateMonitor;
  readonly taskQueue: string;
  readonly appName: string;
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  /** Figures the scenario sets itself (restarts, harness kills, …). */
  readonly figures: Partial<ScenarioFigures> = {};
  /** Pool size of each worker's plugin. */
  readonly poolSize: number;
  /** The workflow type the syncs run (see sync-path.ts). */
  readonly workflowType: string;
  /** Moments the harness let held-back commits through (zombie-check.ts). */
  readonly releases: ReleaseMark[] = [];
  /** Zombies that stopped before their commit (cancelled): checked like refused ones. */
  readonly zombiesStopped: RefusedCommit[] = [];
  /** Worker links cut right now (connections then do not count against the pool). */
  linksCut = 0;
  private readonly started = Date.now();

  constructor(
    private readonly ctx: ScenarioContext,
    private readonly name: string,
    private readonly options: SyncRunOptions,
  ) {
    this.events = new EventLog(join(ctx.dir, 'events.jsonl'));
    this.taskQueue = `chaos-${name}`;
    this.appName = `chaos-${name}`;
    this.poolSize = options.poolSize ?? 4;
    this.workflowType = SYNC_WORKFLOWS[options.path ?? 'batch'];
    this.workers = new ChaosWorkers(
      options.workers,
      {
        databaseUrl: ctx.databaseUrl,
        temporalAddress: ctx.temporal.address,
        taskQueue: this.taskQueue,
        workflowBundle: ctx.workflowBundle,
        poolSize: this.poolSize,
        appName: this.appName,
        timeouts: options.timeouts,
        network: ctx.network,
      },
      ctx.dir,
      this.events,
      ctx.random.fork('restart delays'),
      (line) => ctx.log(line),
    );
    this.monitor = new StateMonitor({
      url: ctx.databaseUrl,
      sourceName: SOURCE_NAME,
      stateTables: options.connections.flatMap((c) =>
        SAMPLE_STREAM_NAMES.map((stream) => `${tablePrefix(c.connectionId)}${stream}`),
      ),
      connectionIds: options.connections.map((c) => c.connectionId),
      appName: this.appName,
      countConnections: () => this.linksCut === 0,
    });
  }

  /** Starts the workers (they migrate the database) and then the monitor. */
  async begin(): Promise<void> {
    this.events.poll();
    await this.workers.start();
    this.monitor.start();
  }

  /** The sync input of a connection. */
  input(connection: ChaosConnection, batchSize = this.ctx.size.batchSize): BatchSyncInput {
    return {
      connectionId: connection.connectionId,
      source: {
        name: SOURCE_NAME,
        reader: CHAOS_READER,
        streams: [...SAMPLE_STREAM_NAMES],
        config: { seed: this.ctx.seed, count: connection.count },
      },
      destination: { tablePrefix: tablePrefix(connection.connectionId) },
      batchSize,
      streamConcurrency: this.options.streamConcurrency,
    };
  }

  /** Starts the sync of a connection under its own workflow id (`sync-<connectionId>`). */
  startSync(connection: ChaosConnection, batchSize?: number): Promise<WorkflowHandle> {
    return startSyncWorkflow(this.ctx.client, this.input(connection, batchSize), {
      taskQueue: this.taskQueue,
      workflowType: this.workflowType,
    });
  }

  /** Starts a sync of a connection under another workflow id: a second run, on purpose. */
  startRival(connection: ChaosConnection, workflowId: string, batchSize?: number) {
    return this.ctx.client.workflow.start(this.workflowType, {
      taskQueue: this.taskQueue,
      workflowId,
      args: [this.input(connection, batchSize)],
    });
  }

  /**
   * Waits until the workflow closes (through server restarts) or the scenario's timeout passes
   * (then terminates it and records a problem), and says how it ended.
   */
  async waitForSync(workflowId: string): Promise<SyncOutcome> {
    const deadline = this.started + this.ctx.size.syncTimeoutMs;
    const outcome = await waitForWorkflow(this.ctx.client, workflowId, deadline);
    if (outcome.status === 'STILL_RUNNING')
      this.problems.push(`${workflowId} did not finish within ${this.ctx.size.syncTimeoutMs} ms`);
    return outcome;
  }

  /** Waits until the watched connections committed at least `batches` batches, or `stop()` is true. */
  async untilBatches(batches: number, stop: () => boolean, connectionId?: string): Promise<void> {
    while (!stop() && this.monitor.committedBatches(connectionId) < batches) await sleep(50);
  }

  /** Expects a sync to have completed; records a problem otherwise. */
  expectCompleted(outcome: SyncOutcome): void {
    if (outcome.status !== 'COMPLETED')
      this.problems.push(
        `${outcome.workflowId} ended ${outcome.status}${outcome.failureMessage ? `: ${outcome.failureMessage}` : ''}`,
      );
  }

  /**
   * Stops the monitor, checks every connection record by record, reads the events, stops the
   * workers, and returns the scenario's result. `beforeStop` runs while the workers still run
   * (e.g. to count their connections).
   */
  async finish(title: string, beforeStop?: () => Promise<void>): Promise<ScenarioResult> {
    const monitor = await this.monitor.stop();
    const checks = await checkConnections(
      this.ctx.databaseUrl,
      SOURCE_NAME,
      this.ctx.seed,
      this.options.connections.map((c) => ({ ...c, tablePrefix: tablePrefix(c.connectionId) })),
    );
    for (const [i, check] of checks.entries())
      this.problems.push(
        ...check.problems.map((p) => `${this.options.connections[i]?.connectionId}: ${p}`),
      );
    await beforeStop?.();
    await this.workers.stop();
    const events = this.events.activities();
    this.problems.push(...monitor.backwards.map((b) => `monitor: ${b}`));
    for (const crash of this.workers.crashes())
      this.problems.push(
        `worker ${crash.worker} (pid ${crash.pid}) crashed: exit code ${crash.code}, signal ${crash.signal} (see worker-${crash.worker}.log)`,
      );
    const found = checkEvents(events, {
      expectStaleCommits: this.options.expectStaleCommits ?? false,
    });
    this.problems.push(...found.problems);
    const zombies = await checkRefusedCommits(
      this.ctx.databaseUrl,
      [...refusedCommits(events, tablePrefix), ...this.zombiesStopped],
      this.releases,
    );
    this.problems.push(...zombies.problems);
    const sum = (f: (c: CheckResult) => number) => checks.reduce((n, c) => n + f(c), 0);
    const figures: ScenarioFigures = {
      records: this.options.connections.reduce(
        (n, c) => n + c.count * SAMPLE_STREAM_NAMES.length,
        0,
      ),
      recordsChecked: sum((c) => c.recordsChecked),
      lost: sum((c) => c.lost),
      duplicated: sum((c) => c.duplicated),
      mismatched: sum((c) => c.mismatched),
      harnessKills: 0,
      killsByPhase: {},
      workerRestarts: this.workers.starts - this.options.workers.length,
      workerCrashes: this.workers.crashes().length,
      databaseRestarts: 0,
      temporalRestarts: 0,
      databaseCrashes: 0,
      partitions: 0,
      hostsLost: 0,
      zombiesChecked: zombies.checked,
      ...found.figures,
      monitorSamples: monitor.samples,
      backwardsMoves: monitor.backwards.length,
      maxConnectionsPerWorker: Math.max(0, ...Object.values(monitor.maxConnections)),
      poolSize: this.poolSize,
      badInputsRefused: 0,
      durationMs: Date.now() - this.started,
      ...this.figures,
    };
    if (monitor.samples < 10)
      this.problems.push(`the monitor read the state only ${monitor.samples} times`);
    for (const [worker, most] of Object.entries(monitor.maxConnections))
      if (most > this.poolSize)
        this.problems.push(
          `${worker} held ${most} connections at once; its pool has ${this.poolSize}`,
        );
    return {
      name: this.name,
      title,
      passed: this.problems.length === 0,
      problems: [...this.problems],
      figures,
      checks,
      monitor,
      notes: [...this.notes],
    };
  }

  /**
   * Notes the moment before a worker's held-back commits (of one connection, or any) are let
   * through (see zombie-check.ts).
   */
  async markRelease(worker: string, connectionId?: string): Promise<void> {
    this.releases.push(await takeReleaseMark(this.ctx.databaseUrl, worker, connectionId));
  }

  /** Appends a kill by the harness to `kills.jsonl` in the scenario's folder (evidence). */
  recordKill(kill: object): void {
    appendFileSync(join(this.ctx.dir, 'kills.jsonl'), `${JSON.stringify(kill)}\n`);
  }

  /** Stops everything without checking (after a harness error). */
  async abort(): Promise<void> {
    await this.monitor.stop().catch(() => undefined);
    await this.workers.stop(2000);
  }
}

/** `chaos_<connection>_`: each connection's tables have their own prefix. */
export function tablePrefix(connectionId: string): string {
  return `chaos_${connectionId.replaceAll('-', '_')}_`;
}

/** Sleeps `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
