import { Context } from '@temporalio/activity';

/** Heartbeat interval when the activity has no heartbeat timeout. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;

/** What an activity body gets to stay alive while it works. */
export interface HeartbeatContext {
  /** The activity attempt, from 1. */
  readonly attempt: number;
  /** Aborted when the activity is cancelled (or its heartbeat times out). */
  readonly signal: AbortSignal;
  /** Records progress details; sent with the next heartbeat. */
  heartbeat(details?: unknown): void;
}

/**
 * Runs `body` while heartbeating on a timer (a third of the heartbeat timeout, at most every
 * 10 s), so that a long read stays alive and a dead worker's activity is retried elsewhere
 * within the heartbeat timeout. The SDK throttles the calls.
 */
export async function withHeartbeats<T>(
  body: (context: HeartbeatContext) => Promise<T>,
): Promise<T> {
  const context = Context.current();
  const { info } = context;
  const every = Math.min(
    info.heartbeatTimeoutMs
      ? Math.max(info.heartbeatTimeoutMs / 3, 100)
      : DEFAULT_HEARTBEAT_INTERVAL_MS,
    DEFAULT_HEARTBEAT_INTERVAL_MS,
  );
  let details: unknown;
  // A local activity cannot heartbeat (its start-to-close timeout is what bounds it).
  const beat = info.isLocal ? () => undefined : (next: unknown) => context.heartbeat(next);
  // No beat at the start: each costs a call to the server and a history update, and a batch
  // shorter than `every` needs none (the heartbeat timeout starts with the attempt).
  const timer = setInterval(() => beat(details), every);
  try {
    return await body({
      attempt: info.attempt,
      signal: context.cancellationSignal,
      heartbeat: (next) => {
        details = next;
        beat(next);
      },
    });
  } finally {
    clearInterval(timer);
  }
}
