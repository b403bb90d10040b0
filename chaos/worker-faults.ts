/**
 * The fault hooks of a chaos worker, as an activity interceptor: every activity attempt is
 * written to the scenario's events file (synchronously, so a line is on disk before any kill),
 * the worker SIGKILLs itself right after chosen batches commit (after the database transaction
 * committed, before the activity returns: Temporal never hears of that commit), and a chosen
 * commit can stall before its transaction until the harness releases it (a zombie of an older
 * run). Configured by the harness through the CHAOS_FAULTS environment variable.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { CommitBatchResult } from '../src/activity-bodies/types';
import { NON_RETRYABLE_ERROR_TYPES } from '../workflows/definitions';
import type { ActivityEvent, ChaosEvent } from './events';
import { COMMIT_ACTIVITY } from './sync-path';

/** What the harness tells one chaos worker (JSON in CHAOS_FAULTS). */
export interface WorkerFaults {
  /** The worker's name in the harness, e.g. `w1`. */
  readonly worker: string;
  /** The events file of the scenario (JSON lines, appended by every worker). */
  readonly eventsFile: string;
  /** Batches after whose commit the worker kills itself, once each: `connectionId/stream/checkpoint`. */
  readonly killAfterCommit: readonly string[];
  /** Commits whose first attempt waits, before its transaction, until `releaseFile` exists. */
  readonly stallBeforeCommit: readonly { readonly batch: string; readonly releaseFile: string }[];
}

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

/** The activity interceptor that applies `faults`. */
export function faultInterceptor(faults: WorkerFaults): ActivityInterceptorsFactory {
  const killAfter = new Set(faults.killAfterCommit);
  return (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const event = describeAttempt(faults.worker, ctx, input.args[0]);
        const emit = (e: ActivityEvent['e'], extra: Partial<ActivityEvent> = {}) =>
          writeEvent(faults.eventsFile, { ...event, ...extra, e, t: Date.now() });
        const key =
          event.type === COMMIT_ACTIVITY && event.connectionId && event.stream && event.checkpoint
            ? batchKey(event.connectionId, event.stream, event.checkpoint)
            : undefined;
        emit('start');
        const stall = faults.stallBeforeCommit.find((s) => s.batch === key);
        if (stall && event.attempt === 1) {
          emit('stall');
          while (!existsSync(stall.releaseFile))
            await new Promise((resolve) => setTimeout(resolve, 50));
          emit('release');
        }
        let result: unknown;
        try {
          result = await next(input);
        } catch (error) {
          emit('fail', { error: describeError(error) });
          throw error;
        }
        const commit = event.type === COMMIT_ACTIVITY ? (result as CommitBatchResult) : undefined;
        emit('end', commit ? { status: commit.status, written: commit.recordsWritten } : {});
        if (key && commit && killAfter.has(key) && firstToKill(faults.eventsFile, key)) {
          emit('killAfterCommit', { status: commit.status });
          process.kill(process.pid, 'SIGKILL');
          await new Promise(() => undefined); // the signal lands before this ever settles
        }
        return result;
      },
    },
  });
}

/**
 * True for the first attempt, in any worker process, to reach the kill point of `key`: each chosen
 * batch kills once (its retry must get through), also when its first attempt was killed by the
 * harness after its commit and the retry is the one that finds it committed.
 */
function firstToKill(eventsFile: string, key: string): boolean {
  try {
    writeFileSync(`${eventsFile}.killed-${key.replaceAll('/', '_')}`, '', { flag: 'wx' });
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
      typeof input.stream === 'string'
        ? input.stream
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
