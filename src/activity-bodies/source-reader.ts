/**
 * What a source reader is: the one function a user writes to sync a source with the
 * `syncBatch` activity. The activity gives it the stream's committed state and takes back a
 * batch; records never pass through workflow history.
 */
import type { JsonObject } from '../protocol/types';

/** What a reader is asked: one batch of a stream, after its committed state. */
export interface BatchReadRequest {
  readonly stream: { readonly name: string; readonly namespace: string | null };
  /** The stream's `stream_state` as committed in PostgreSQL (the truth), `null` before any. */
  readonly state: JsonObject | null;
  /** Most records to return. */
  readonly limit: number;
  /** The checkpoint this batch becomes if it commits (1, 2, 3, … per stream). */
  readonly checkpoint: number;
  /** The workflow's `config` for the reader, as given (never secrets: it is in history). */
  readonly config: JsonObject;
  /** The activity attempt, from 1. */
  readonly attempt: number;
  /** Aborted when the activity is cancelled or times out: stop reading. */
  readonly signal: AbortSignal;
  /** Reports liveness during a long read (the activity also heartbeats on a timer). */
  heartbeat(details?: unknown): void;
}

/** What a reader returns: the records after the state, and the state after them. */
export interface BatchReadResult {
  /** The batch's records, as JSON objects; may be empty. */
  readonly records: readonly JsonObject[];
  /** The stream's `stream_state` after these records (e.g. `{ "updated_at": "…" }`). */
  readonly state: JsonObject;
  /** True when the stream has nothing more to read now. */
  readonly done: boolean;
}

/**
 * Reads one batch of one stream. It must be deterministic enough that reading again from the
 * same state after a failure gives records that may be upserted again (a retry re-reads: the
 * commit is exactly once, the read is at least once).
 */
export type SourceReader = (request: BatchReadRequest) => Promise<BatchReadResult>;
