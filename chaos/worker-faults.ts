/**
 * The fault hooks of a chaos worker, as an activity interceptor: every activity attempt is
 * written to the scenario's events file (synchronously, so a line is on disk before any kill),
 * and at chosen batches the worker SIGKILLs itself, or stalls until the harness releases it (a
 * zombie of an older run), at a fault point: inside the read or between the read and the commit
 * (fault-reader.ts, on the default path; the start of `commitBatch` on the records path), or after
 * the commit before the activity completes (here: the activity returned, Temporal never hears of
 * it). Configured by the harness through the CHAOS_FAULTS environment variable.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { NON_RETRYABLE_ERROR_TYPES } from '../workflows/definitions';
import type { ActivityEvent, ChaosEvent, FaultPoint } from './events';
import { COMMIT_ACTIVITIES } from './sync-path';

/** A fault at one batch: `batch` is a {@link batchKey}. */
export interface BatchFault {
  readonly batch: string;
  readonly at: FaultPoint;
}

/** What the harness tells one chaos worker (JSON in CHAOS_FAULTS). */
export interface WorkerFaults {
  /** The worker's name in the harness, e.g. `w1`. */
  readonly worker: string;
  /** The events file of the scenario (JSON lines, appended by every worker). */
  readonly eventsFile: string;
  /** Batches at whose fault point the worker kills itself, once each across all workers. */
  readonly kills: readonly BatchFault[];
  /** Batches whose first attempt to reach the fault point (in any run) waits there until `releaseFile` exists. */
  readonly stalls: readonly (BatchFault & { readonly releaseFile: string })[];
  /** Extra time each read takes, in ms (a slow source API): a fault can land inside it. */
  readonly readDelayMs: number;
}

/** The attempt an activity runs, for the reader's hooks. */
export interface Attempt {
  /** The batch's {@link batchKey}, for a commit activity. */
  readonly key?: string;
  readonly attempt: number;
  emit(e: ActivityEvent['e'], extra?: Partial<ActivityEvent>): void;
}

/** The attempt in whose activity the code runs (set by the interceptor). */
export const currentAttempt = new AsyncLocalStorage<Attempt>();

/** The key of a batch in {@link WorkerFaults}. */
export function batchKey(connectionId: string, stream: string, checkpoint: number): string {
  return `${connectionId}/${stream}/${checkpoint}`;
}

/** Reads CHAOS_FAULTS. */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerFaults {
  const text = env.CHAOS_FAULTS;
  if (!text)
    throw new Error('CHAOS_FAULTS is not set: the chaos worker is started by npm run chaos');
  return JSON.parse(text) as WorkerFaults;
}

/** Appends one event to the events file, synchronously. */
export function writeEvent(file: string, event: ChaosEvent): void {
  appendFileSync(file, `${JSON.stringify(event)}\n`);
}

/**
 * Applies the faults planned at `at` for the attempt: a stall (first attempt only) until its
 * release file exists, then a SIGKILL of this worker (once per batch and point, in any worker).
 */
export async function faultPoint(
  faults: WorkerFaults,
  attempt: Attempt | undefined,
  at: FaultPoint,
): Promise<void> {
  if (!attempt?.key) return;
  const stall = faults.stalls.find((s) => s.batch === attempt.key && s.at === at);
  // Once per batch and point, in any run: a newer run's attempt at the same checkpoint goes on.
  if (stall && firstToReach(faults.eventsFile, `stall/${attempt.key}/${at}`)) {
    attempt.emit('stall', { at });
    while (!existsSync(stall.releaseFile)) await new Promise((resolve) => setTimeout(resolve, 50));
    attempt.emit('release', { at });
  }
  const kill = faults.kills.some((k) => k.batch === attempt.key && k.at === at);
  if (kill && firstToReach(faults.eventsFile, `${attempt.key}/${at}`)) {
    attempt.emit('selfKill', { at });
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined); // the signal lands before this ever settles
  }
}

/** The activity interceptor that writes the events and applies the faults around a commit. */
export function faultInterceptor(faults: WorkerFaults): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const event = describeAttempt(faults.worker, ctx, input.args[0]);
        const commits = COMMIT_ACTIVITIES.includes(event.type);
        const attempt: Attempt = {
          key:
            commits && event.connectionId && event.stream && event.checkpoint
              ? batchKey(event.connectionId, event.stream, event.checkpoint)
              : undefined,
          attempt: event.attempt,
          emit: (e, extra = {}) =>
            writeEvent(faults.eventsFile, { ...event, ...extra, e, t: Date.now() }),
        };
        attempt.emit('start');
        // On the records path the read was an activity of its own: its commit starts here.
        if (event.type === 'commitBatch') await faultPoint(faults, attempt, 'afterRead');
        let result: unknown;
        try {
          result = await currentAttempt.run(attempt, () => next(input));
        } catch (error) {
          attempt.emit('fail', { error: describeError(error) });
          throw error;
        }
        const commit = commits
          ? (result as { status: ActivityEvent['status']; recordsWritten: number })
          : undefined;
        attempt.emit(
          'end',
          commit ? { status: commit.status, written: commit.recordsWritten } : {},
        );
        if (commit) await faultPoint(faults, attempt, 'afterCommit');
        return result;
      },
    },
  });
}

/**
 * True for the first attempt, in any worker process, to reach the fault point `key`: each chosen
 * batch stalls or kills once (its retry must get through), also when its first attempt was killed by the
 * harness after its commit and the retry is the one that finds it committed.
 */
function firstToReach(eventsFile: string, key: string): boolean {
  try {
    writeFileSync(`${eventsFile}.reached-${key.replaceAll('/', '_')}`, '', { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

function describeAttempt(
  worker: string,
  ctx: Context,
  arg: unknown,
): Omit<ActivityEvent, 'e' | 't'> {
  const info = ctx.info;
  const input = (arg ?? {}) as {
    connectionId?: string;
    stream?: unknown;
    state?: { stream?: { stream_descriptor?: { name?: string } } };
    checkpoint?: number;
    batch?: number;
    epoch?: number;
  };
  const stream = input.stream as { name?: unknown } | string | undefined;
  return {
    worker,
    pid: process.pid,
    type: info.activityType,
    workflowId: info.workflowExecution?.workflowId ?? '',
    runId: info.workflowExecution?.runId ?? '',
    activityId: info.activityId,
    attempt: info.attempt,
    connectionId: input.connectionId,
    stream:
      typeof stream === 'string'
        ? stream
        : typeof stream?.name === 'string'
          ? stream.name
          : input.state?.stream?.stream_descriptor?.name,
    checkpoint: input.checkpoint ?? input.batch,
    epoch: input.epoch,
  };
}

/** An activity error as the workflow will see it: its type and whether Temporal retries it. */
function describeError(error: unknown): NonNullable<ActivityEvent['error']> {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApplicationFailure) {
    const type = error.type ?? name;
    return {
      type,
      message,
      retryable: !error.nonRetryable && !NON_RETRYABLE_ERROR_TYPES.includes(type),
    };
  }
  // Any other error reaches the workflow as an ApplicationFailure whose type is the error's name.
  return { type: name, message, retryable: !NON_RETRYABLE_ERROR_TYPES.includes(name) };
}
