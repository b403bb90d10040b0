/**
 * What a scenario is: its context (the run's servers, its own database, folder and seeded
 * randomness, the sizes), and what it returns (pass or fail, the problems, the figures).
 */
import type { Client } from '@temporalio/client';
import type { CheckResult } from './checker';
import type { ChaosPostgres, ChaosTemporal } from './environment';
import type { ChaosNetwork } from './hosts/network';
import type { MonitorResult } from './monitor';
import type { SeededRandom } from './random';

/** The sizes of a run: full for `npm run chaos`, small for `npm test`. */
export interface ChaosSize {
  /** Records per stream of the worker-kills sync (three streams). */
  readonly records: number;
  /** Records per stream of the other scenarios' syncs. */
  readonly smallRecords: number;
  readonly batchSize: number;
  /** Worker kills during the worker-kills sync, the workers' own kills included. */
  readonly kills: number;
  /** Of {@link kills}, how many land right after a commit (the worker kills itself). */
  readonly killsAfterCommit: number;
  /** Of {@link kills}, how many land before a commit (the worker kills itself): inside the read and between the read and the commit, in turn. */
  readonly killsBeforeCommit: number;
  /** Longest random delay of a harness kill after its planned point of progress, in ms. */
  readonly maxKillDelayMs: number;
  /** Kills of the two killable workers in several-workers, those after a commit included. */
  readonly severalWorkersKills: number;
  /** Records per stream of the several-workers sync. */
  readonly severalWorkersRecords: number;
  /** Share of the harness's kills aimed at a commit in flight (the others land anywhere). */
  readonly aimedShare: number;
  readonly databaseRestarts: number;
  readonly temporalRestarts: number;
  /** Rounds of each fencing race (a second workflow id; a zombie of an older run). */
  readonly fencingRounds: number;
  /** Records per stream of the network scenarios' syncs (on separate hosts). */
  readonly networkRecords: number;
  /** Worker links to PostgreSQL cut in db-partition. */
  readonly partitions: number;
  /** Zombie rounds of temporal-partition (a worker cut from Temporal, its commit held back). */
  readonly zombieRounds: number;
  /**
   * Records per stream of temporal-partition's sync: enough batches that every zombie round
   * (each up to about a minute and a half) runs before the sync ends.
   */
  readonly zombieRecords: number;
  /** Worker hosts cut off for good mid-commit in host-dies. */
  readonly hostDeaths: number;
  /** PostgreSQL host crashes (SIGKILL of all its processes mid-commit) in database-crash. */
  readonly databaseCrashes: number;
  /** Generated bad calls through the activity boundary in the bad-input scenario. */
  readonly badInputs: number;
  /** Longest a scenario's syncs may take, in ms, before it gives up and fails. */
  readonly syncTimeoutMs: number;
}

/** What a scenario gets. */
export interface ScenarioContext {
  /** The run's seed (the same seed replays the same schedule). */
  readonly seed: number;
  /** Forked from the seed by the scenario's name. */
  readonly random: SeededRandom;
  readonly size: ChaosSize;
  /** The scenario's folder of evidence: events, worker logs. */
  readonly dir: string;
  /** A database of its own. */
  readonly databaseUrl: string;
  readonly postgres: ChaosPostgres;
  readonly temporal: ChaosTemporal;
  readonly client: Client;
  /** The workflow bundle every chaos worker loads. */
  readonly workflowBundle: string;
  /**
   * For a scenario on separate hosts: the lab whose PostgreSQL and Temporal `postgres` and
   * `temporal` are, and the worker links to break. Absent for the others.
   */
  readonly network?: ChaosNetwork;
  log(line: string): void;
}

/** Counts that a scenario reports; RELIABILITY.md shows their totals. */
export interface ScenarioFigures {
  /** Source records the scenario's syncs had to deliver. */
  records: number;
  /** Destination rows compared with the source, record by record. */
  recordsChecked: number;
  lost: number;
  duplicated: number;
  mismatched: number;
  /** SIGKILLs sent by the harness. */
  harnessKills: number;
  /** Kills of a worker by itself after a commit, before the activity completed. */
  killsAfterCommit: number;
  /** Of those, how many were followed by a retry that found the batch already committed. */
  killsAfterCommitConfirmed: number;
  /** Kills of a worker by itself inside a syncBatch's read (the reader started, returned nothing). */
  killsInRead: number;
  /** Kills of a worker by itself between a read and its commit. */
  killsAfterRead: number;
  /** Of the kills before a commit, how many were followed by a retry that committed the batch. */
  killsBeforeCommitConfirmed: number;
  /** Where the harness's kills landed: `syncBatch: commit`, `syncBatch: read`, `syncBatch`, `startSync`, `between activities`, … */
  killsByPhase: Record<string, number>;
  /** Worker processes started again after a kill. */
  workerRestarts: number;
  /** Worker processes that exited without being killed: must be 0. */
  workerCrashes: number;
  databaseRestarts: number;
  temporalRestarts: number;
  /** PostgreSQL hosts crashed (cut off, every process SIGKILLed) and recovered. */
  databaseCrashes: number;
  /** Worker links cut (to PostgreSQL or to Temporal) and healed. */
  partitions: number;
  /** Worker hosts cut off for good mid-commit (never healed). */
  hostsLost: number;
  /** Refused zombie commits checked to have left no row behind. */
  zombiesChecked: number;
  /** Activity attempts, and those that were retries. */
  activityAttempts: number;
  retriedAttempts: number;
  /** Attempts that failed (retryably), e.g. while the database was down. */
  failedAttempts: number;
  /** Commits that found their batch already committed (a retry of a commit that had gone through). */
  alreadyCommitted: number;
  /** Commits refused with a non-retryable StaleCheckpoint (fencing). */
  staleCommitsRefused: number;
  monitorSamples: number;
  /** Moves of a cursor, checkpoint or epoch backwards: must be 0. */
  backwardsMoves: number;
  /** Most connections one worker held (pool size in {@link poolSize}). */
  maxConnectionsPerWorker: number;
  poolSize: number;
  /** Generated bad calls refused at the activity boundary (bad-input). */
  badInputsRefused: number;
  durationMs: number;
}

/** Figures of a scenario that counted nothing yet. */
export function emptyFigures(durationMs: number): ScenarioFigures {
  return {
    records: 0,
    recordsChecked: 0,
    lost: 0,
    duplicated: 0,
    mismatched: 0,
    harnessKills: 0,
    killsAfterCommit: 0,
    killsAfterCommitConfirmed: 0,
    killsInRead: 0,
    killsAfterRead: 0,
    killsBeforeCommitConfirmed: 0,
    killsByPhase: {},
    workerRestarts: 0,
    workerCrashes: 0,
    databaseRestarts: 0,
    temporalRestarts: 0,
    databaseCrashes: 0,
    partitions: 0,
    hostsLost: 0,
    zombiesChecked: 0,
    activityAttempts: 0,
    retriedAttempts: 0,
    failedAttempts: 0,
    alreadyCommitted: 0,
    staleCommitsRefused: 0,
    monitorSamples: 0,
    backwardsMoves: 0,
    maxConnectionsPerWorker: 0,
    poolSize: 0,
    badInputsRefused: 0,
    durationMs,
  };
}

/** What a scenario returns. */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly passed: boolean;
  /** Every problem found; empty when it passed. */
  readonly problems: readonly string[];
  readonly figures: ScenarioFigures;
  readonly checks: readonly CheckResult[];
  readonly monitor: MonitorResult;
  /** Notes for the report, e.g. what the outage did. */
  readonly notes: readonly string[];
}

/** A scenario of the harness. */
export interface Scenario {
  /** Short name, used for `--scenario` and folders. */
  readonly name: string;
  /** One line: what it does. */
  readonly title: string;
  /** The promise it tests, for RELIABILITY.md. */
  readonly promise: string;
  /** Its faults in one sentence, for RELIABILITY.md's table. */
  readonly faults: string;
  /** Runs on separate network hosts (a lab of network namespaces; needs root). Default: false. */
  readonly hosts?: boolean;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
