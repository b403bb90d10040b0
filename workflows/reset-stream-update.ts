import { condition, setHandler } from '@temporalio/workflow';
import type { StreamKey } from '../src/activity-bodies/types';
import { type ResetStreamRequest, type ResetStreamResult, resetStreamUpdate } from './definitions';
import type { SyncSession } from './sync-session';

interface Ticket {
  readonly request: ResetStreamRequest;
  result?: ResetStreamResult;
}

/**
 * The `resetStream` updates of a sync over `streams`, whose batches may run for several streams
 * at once: a reset waits for a point between two batches of ITS stream ({@link applyFor}); a
 * stream this run has finished is reset at once and read again by the next run.
 */
export class StreamResets {
  /** Some reset hit a stream this run had finished: continue as new to read it again. */
  needAnotherPass = false;
  private readonly queue: Ticket[] = [];
  private readonly finished = new Set<string>();

  private constructor(private readonly session: SyncSession) {}

  /** Registers the update handler; call right after `SyncSession.start`. */
  static accept(session: SyncSession, streams: readonly (string | StreamKey)[]): StreamResets {
    const keys = streams.map((s) => (typeof s === 'string' ? { name: s } : s));
    const resets = new StreamResets(session);
    setHandler(
      resetStreamUpdate,
      async (request) => {
        const ticket: Ticket = { request };
        if (resets.finished.has(keyOf(request))) {
          // No batch of a finished stream is in flight: reset it now, for the next run.
          await resets.apply([ticket], true);
        } else {
          resets.queue.push(ticket);
          await condition(() => ticket.result !== undefined);
        }
        return ticket.result as ResetStreamResult;
      },
      {
        validator: (request: ResetStreamRequest) => {
          if (typeof request?.stream !== 'string' || !keys.some((k) => keyOf(k) === keyOf(request)))
            throw new Error(
              `Unknown stream: expected one of ${keys.map((k) => (k.namespace ? `${k.namespace}.${k.name}` : k.name)).join(', ')}.`,
            );
        },
      },
    );
    return resets;
  }

  /**
   * Applies the resets of `stream` received so far: call between two of its batches (and before
   * its first). Returns true when it reset the stream, which is then read again from scratch.
   */
  async applyFor(stream: string | StreamKey): Promise<boolean> {
    const key = keyOf(typeof stream === 'string' ? { name: stream } : stream);
    const tickets = this.take((ticket) => keyOf(ticket.request) === key);
    if (tickets.length > 0) await this.apply(tickets, false);
    return tickets.length > 0;
  }

  /** Marks a stream as read to the end by this run: later resets of it are for the next run. */
  finish(stream: string | StreamKey): void {
    this.finished.add(keyOf(typeof stream === 'string' ? { name: stream } : stream));
  }

  /** Applies every reset still waiting, for the next run to read: call once no batch is in flight. */
  async applyAll(): Promise<void> {
    const tickets = this.take(() => true);
    if (tickets.length > 0) await this.apply(tickets, true);
  }

  private take(which: (ticket: Ticket) => boolean): Ticket[] {
    const taken = this.queue.filter(which);
    for (const ticket of taken) this.queue.splice(this.queue.indexOf(ticket), 1);
    return taken;
  }

  private async apply(tickets: readonly Ticket[], rereadByNextRun: boolean): Promise<void> {
    const { removed } = await this.session.resetStreams(
      tickets.map(({ request }) => ({ name: request.stream, namespace: request.namespace })),
      tickets.map(({ request }) => request.note).find((note) => note),
    );
    this.needAnotherPass ||= rereadByNextRun;
    for (const ticket of tickets) {
      const { stream } = ticket.request;
      const namespace = ticket.request.namespace ?? null;
      ticket.result = {
        stream,
        namespace,
        removed: removed.find((r) => r.streamName === stream && r.namespace === namespace) ?? null,
        rereadByNextRun,
      };
    }
  }
}

function keyOf(stream: {
  readonly stream?: string;
  readonly name?: string;
  readonly namespace?: string | null;
}): string {
  return JSON.stringify([stream.namespace ?? '', stream.name ?? stream.stream]);
}
