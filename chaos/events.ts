/**
 * The events that chaos workers write and the harness reads: one JSON line per activity attempt
 * and fault, in the scenario's events file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** An activity attempt or a fault around it. */
export interface ActivityEvent {
  /** `start`, `end`, `fail`, `killAfterCommit` (just before the SIGKILL), `stall`, `release`. */
  readonly e: 'start' | 'end' | 'fail' | 'killAfterCommit' | 'stall' | 'release';
  readonly t: number;
  readonly worker: string;
  readonly pid: number;
  readonly type: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly activityId: string;
  readonly attempt: number;
  readonly connectionId?: string;
  readonly stream?: string;
  /** The commit's checkpoint, or the source batch's number. */
  readonly checkpoint?: number;
  readonly epoch?: number;
  /** A commit's outcome. */
  readonly status?: 'committed' | 'alreadyCommitted';
  readonly written?: number;
  readonly error?: { readonly type: string; readonly message: string; readonly retryable: boolean };
}

/** A worker that is up and polling. */
export interface ReadyEvent {
  readonly e: 'ready';
  readonly t: number;
  readonly worker: string;
  readonly pid: number;
}

/** Any line of the events file. */
export type ChaosEvent = ActivityEvent | ReadyEvent;

/** Reads an events file as it grows. */
export class EventLog {
  readonly events: ChaosEvent[] = [];
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly open = new Map<string, ActivityEvent>();

  constructor(readonly file: string) {}

  /** Reads the lines appended since the last call; returns the new events. */
  poll(): ChaosEvent[] {
    const fd = openSync(this.file, 'a+');
    const fresh: ChaosEvent[] = [];
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        this.partial += this.decoder.write(buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) fresh.push(JSON.parse(line) as ChaosEvent);
    this.events.push(...fresh);
    for (const e of fresh) {
      if (e.e === 'ready') continue;
      const key = `${e.pid}/${e.runId}/${e.activityId}/${e.attempt}`;
      if (e.e === 'start') this.open.set(key, e);
      else if (e.e === 'end' || e.e === 'fail') this.open.delete(key);
    }
    return fresh;
  }

  /** The activity types a worker process had started and not finished, after reading what is new. */
  inFlight(pid: number): string[] {
    this.poll();
    return [...this.open.values()].filter((e) => e.pid === pid).map((e) => e.type);
  }

  /** The activity events, after reading what is new. */
  activities(): ActivityEvent[] {
    this.poll();
    return this.events.filter((e): e is ActivityEvent => e.e !== 'ready');
  }
}
