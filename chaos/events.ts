/**
 * The events that chaos workers write and the harness reads: one JSON line per activity attempt
 * and fault, in the scenario's events file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { COMMIT_PHASE, READ_PHASE } from './sync-path';

/**
 * Where a worker fault lands in a batch: inside the read (the reader has started, nothing
 * returned), between the read and the commit (the read returned, the commit's transaction not
 * yet committed), or after the commit (committed, the activity not yet completed).
 */
export type FaultPoint = 'read' | 'afterRead' | 'afterCommit';

/** An activity attempt or a fault around it. */
export interface ActivityEvent {
  /**
   * `start`, `end`, `fail` of the attempt; `read` and `readEnd` around a syncBatch's read;
   * `selfKill` (just before the worker SIGKILLs itself at `at`), `stall`, `release`.
   */
  readonly e: 'start' | 'end' | 'fail' | 'read' | 'readEnd' | 'selfKill' | 'stall' | 'release';
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
  readonly status?: 'committed' | 'alreadyCommitted' | 'unchanged';
  /** Where a `selfKill` or `stall` happened. */
  readonly at?: FaultPoint;
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
  /** Open attempts and their phase (see {@link inFlight}). */
  private readonly open = new Map<string, { event: ActivityEvent; phase: string }>();

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
      const open = this.open.get(key);
      if (e.e === 'start') this.open.set(key, { event: e, phase: e.type });
      else if (e.e === 'end' || e.e === 'fail') this.open.delete(key);
      else if (open && e.e === 'read') open.phase = READ_PHASE;
      else if (open && e.e === 'readEnd') open.phase = COMMIT_PHASE;
    }
    return fresh;
  }

  /**
   * The phases of the attempts a worker process had started and not finished, after reading
   * what is new: the activity type, but `syncBatch: read` and `syncBatch: commit` once a
   * syncBatch's read started or returned.
   */
  inFlight(pid: number): string[] {
    this.poll();
    return [...this.open.values()].filter((o) => o.event.pid === pid).map((o) => o.phase);
  }

  /** The activity events, after reading what is new. */
  activities(): ActivityEvent[] {
    this.poll();
    return this.events.filter((e): e is ActivityEvent => e.e !== 'ready');
  }
}
