import { condition, defineUpdate, setHandler } from '@temporalio/workflow';
import type { ClearedStreamState } from '../src/backend/clear-states';
import type { SyncSession } from './sync-session';

/** Update name of "reset a stream" on the example sync workflow; callable from any SDK by this name. */
export const RESET_STREAM_UPDATE_NAME = 'temporal-sync-state.resetStream';

/** What to reset: one stream of the sync. */
export interface ResetStreamRequest {
  readonly stream: string;
  /** The stream's namespace; absent or `null`: none. */
  readonly namespace?: string | null;
  /** Kept with the clear in the state history. Default: none. */
  readonly note?: string;
}

/** What a reset did, once the workflow applied it between two batches. */
export interface ResetStreamResult {
  readonly stream: string;
  readonly namespace: string | null;
  /** The state it removed; `null` when the stream had none yet. */
  readonly removed: ClearedStreamState | null;
  /**
   * `false`: this run reads the stream again from scratch. `true`: this run had already finished
   * the stream, so it continues as new once its other streams are done, and the next run reads it.
   */
  readonly rereadByNextRun: boolean;
}

/**
 * Resets a stream of a running sync: the workflow clears the stream's state between two batches
 * (never while one is in flight, whose commit would write the old cursor back) and reads it
 * again from scratch. The update completes once the reset is applied.
 */
export const resetStreamUpdate = defineUpdate<ResetStreamResult, [ResetStreamRequest]>(
  RESET_STREAM_UPDATE_NAME,
);

/**
 * The `resetStream` updates of a sync over `streams` (read in that order): accepted at any time,
 * applied by {@link applyPending}, which the workflow calls between batches.
 */
export class StreamResets {
  /** Some reset hit a stream this run had finished: continue as new to read it again. */
  needAnotherPass = false;
  private readonly queue: { request: ResetStreamRequest; result?: ResetStreamResult }[] = [];

  private constructor(
    private readonly session: SyncSession,
    private readonly streams: readonly string[],
  ) {}

  /** Registers the update handler; call right after `SyncSession.start`. */
  static accept(session: SyncSession, streams: readonly string[]): StreamResets {
    const resets = new StreamResets(session, streams);
    setHandler(
      resetStreamUpdate,
      async (request) => {
        const ticket: { request: ResetStreamRequest; result?: ResetStreamResult } = { request };
        resets.queue.push(ticket);
        await condition(() => ticket.result !== undefined);
        return ticket.result as ResetStreamResult;
      },
      {
        validator: (request: ResetStreamRequest) => {
          if (typeof request?.stream !== 'string' || !streams.includes(request.stream))
            throw new Error(`Unknown stream: expected one of ${streams.join(', ')}.`);
        },
      },
    );
    return resets;
  }

  /**
   * Applies the resets received so far: call between batches, after the commit of a batch of
   * `current` (`done`: that batch was the stream's last).
   */
  async applyPending(current: string, done: boolean): Promise<void> {
    while (this.queue.length > 0) {
      const tickets = this.queue.splice(0);
      const { removed } = await this.session.resetStreams(
        tickets.map(({ request }) => ({ name: request.stream, namespace: request.namespace })),
        tickets.map(({ request }) => request.note).find((note) => note),
      );
      const position = this.streams.indexOf(current);
      for (const ticket of tickets) {
        const { stream } = ticket.request;
        const namespace = ticket.request.namespace ?? null;
        const index = this.streams.indexOf(stream);
        const rereadByNextRun = index < position || (index === position && done);
        this.needAnotherPass ||= rereadByNextRun;
        ticket.result = {
          stream,
          namespace,
          removed:
            removed.find((r) => r.streamName === stream && r.namespace === namespace) ?? null,
          rereadByNextRun,
        };
      }
    }
  }
}
