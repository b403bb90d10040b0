/**
 * The JSON shapes that cross the activity boundary. Type-only, so workflow code (and callers in
 * any Temporal SDK) can use them; every field is plain JSON.
 */
import type { AirbyteStateMessage, JsonObject } from '../protocol/types';

/** A stream named by name and optional namespace. */
export interface StreamKey {
  readonly name: string;
  readonly namespace?: string | null;
}

/** Whose state: a source, optionally as acknowledged by a destination, under a table prefix. */
export interface StateOwner {
  /** The source (connector) name. */
  readonly sourceName: string;
  /** The destination name; absent: the cache state table. */
  readonly destinationName?: string;
  /** Table prefix of the stream tables; default: the backend's. */
  readonly tablePrefix?: string;
}

/** Input of the `getState` activity. */
export interface GetStateInput extends StateOwner {
  /** Only these streams (plus GLOBAL and LEGACY state); default: all. */
  readonly streams?: readonly string[];
}

/**
 * What `getState` returns: every stored message (STREAM, GLOBAL, LEGACY), each once. The
 * workflow helpers derive the rest (`streamStatesOf`, `stateFileText`), so that a result never
 * carries a state twice.
 */
export interface SyncStateSnapshot {
  readonly messages: AirbyteStateMessage[];
}

/**
 * Input of the `writeState` activity. While a run of a connection syncs this state, a write must
 * carry that run's claim (`connectionId` and `epoch`), or `force`.
 */
export interface WriteStateInput extends StateOwner {
  /** One or many messages, written in one transaction. */
  readonly messages: readonly AirbyteStateMessage[];
  /** The connection whose run writes. Default: none (a write outside any run). */
  readonly connectionId?: string;
  /** That run's epoch from `startSync`; required with `connectionId`. */
  readonly epoch?: number;
  /**
   * Write even though runs sync this state: fences them (their next commit fails as stale) and
   * records the forced write in the history. Not with `connectionId`. Default: `false`.
   */
  readonly force?: boolean;
}

/** What `writeState` returns. */
export interface WriteStateResult {
  /** How many rows were written (one per stream; repeated streams count once). */
  readonly written: number;
}

/** Input of the `startSync` activity. */
export interface StartSyncInput extends GetStateInput {
  /** The connection: one sync pipeline, at most one run of which commits at a time. */
  readonly connectionId: string;
  /** Who starts the run, e.g. its workflow run id; default: the calling workflow's run id. */
  readonly owner?: string;
  /**
   * Return the stored state with the checkpoints. A run whose batches read their state in the
   * activity (`syncBatch`) needs none, and keeps the result small whatever the state's size.
   * Default: `true`.
   */
  readonly loadState?: boolean;
}

/** The last committed checkpoint of one stream of a connection. */
export interface CheckpointEntry {
  readonly name: string;
  readonly namespace: string | null;
  readonly checkpoint: number;
  readonly recordsCommitted: number;
  /** ISO time of the commit, from the database clock. */
  readonly committedAt: string;
}

/** What `startSync` returns. */
export interface StartSyncResult {
  /** The fencing epoch of this run: pass it to every `commitBatch`. */
  readonly epoch: number;
  /** The state to resume from; absent when the input said `loadState: false`. */
  readonly state?: SyncStateSnapshot;
  /** The last committed checkpoint of each stream; the next commit of a stream uses a larger one. */
  readonly checkpoints: CheckpointEntry[];
}

/** Input of the `commitBatch` activity. */
export interface CommitBatchInput extends StateOwner {
  readonly connectionId: string;
  /** The records' stream; default: the state message's stream (required for GLOBAL or LEGACY state). */
  readonly stream?: string | StreamKey;
  /** The batch's records, as JSON objects. May be empty (a state-only checkpoint). */
  readonly records: readonly JsonObject[];
  /** Top-level record fields that identify a record; records are upserted by them. */
  readonly primaryKey: readonly string[];
  /** The state after this batch, written in the same transaction as the records. */
  readonly state: AirbyteStateMessage;
  /** This commit's number: larger than the stream's last committed checkpoint (1, 2, 3, …). */
  readonly checkpoint: number;
  /**
   * The run's epoch from `startSync`; a commit with an older epoch is refused. Without it the
   * commit is refused once any run has claimed the connection. Default: none.
   */
  readonly epoch?: number;
  /** Destination table name; default: `tablePrefix + stream name`. */
  readonly table?: string;
}

/** What `commitBatch` returns. */
export interface CommitBatchResult {
  /** `committed`, or `alreadyCommitted` when this checkpoint had committed before (a retry): nothing changed. */
  readonly status: 'committed' | 'alreadyCommitted';
  readonly checkpoint: number;
  /** Records upserted by this call (0 when already committed). */
  readonly recordsWritten: number;
  /** The destination table, schema-qualified. */
  readonly table: string;
  /** Records committed for this stream by every commit so far (from the checkpoint row). */
  readonly streamRecordsCommitted: number;
  /** ISO time of the stream's last commit, from the database clock. */
  readonly committedAt: string;
}

/** Progress of one stream of a sync. */
export interface StreamProgress {
  readonly name: string;
  readonly namespace: string | null;
  /**
   * The stream's `stream_state` after its last commit; `null` before any, and in a running sync's
   * answer when the state is larger than a batch result carries (read it with `getState`).
   */
  readonly state: JsonObject | null;
  /** The stream's last committed checkpoint (0 before any). */
  readonly checkpoint: number;
  /** Records committed for this stream by every run of the connection. */
  readonly recordsCommitted: number;
  /** ISO time of the last commit, `null` before any. */
  readonly committedAt: string | null;
}

/**
 * The state attached to a sync workflow, as its query returns it while it runs and as
 * `getSyncState` rebuilds it from the database once it has closed.
 */
export interface SyncProgress {
  readonly connectionId: string;
  readonly sourceName: string;
  readonly destinationName: string | null;
  /** `running` while the workflow runs; afterwards Temporal's close status in lower case. */
  readonly status:
    | 'starting'
    | 'running'
    | 'completed'
    | 'failed'
    | 'terminated'
    | 'cancelled'
    | 'timed_out'
    | 'continued_as_new'
    | 'unknown';
  /** The fencing epoch of the current (or last) run. */
  readonly epoch: number;
  readonly streams: StreamProgress[];
  /** Records committed by every run of the connection, all streams together. */
  readonly recordsCommitted: number;
  /** Batches committed by every run, all streams together (the sum of the checkpoints). */
  readonly batchesCommitted: number;
  /** ISO time of the last commit, `null` before any. */
  readonly lastCommittedAt: string | null;
}

/** A stream named in an input: a name, or `{ name, namespace }`. */
export type StreamRefInput = string | StreamKey;

/** Input of the `syncBatch` activity: read one batch with a registered reader and commit it. */
export interface SyncBatchInput extends StateOwner {
  /** The connection; its run's `epoch` fences the commit. */
  readonly connectionId: string;
  /** The run's epoch from `startSync`. */
  readonly epoch: number;
  /** The name under which the worker registered the reader (`SyncStatePlugin`'s `readers`). */
  readonly reader: string;
  /** The stream to read. */
  readonly stream: StreamRefInput;
  /** Top-level record fields that identify a record; records are upserted by them. */
  readonly primaryKey: readonly string[];
  /** This batch's checkpoint: the stream's last committed one plus 1. */
  readonly checkpoint: number;
  /** Most records the reader should return. */
  readonly limit: number;
  /** Passed to the reader as it is (e.g. an API's base URL; never secrets: it is in history). Default: `{}`. */
  readonly config?: JsonObject;
  /** Destination table; default: `tablePrefix + stream name`. */
  readonly table?: string;
}

/** What `syncBatch` returns: a summary, never the records. */
export interface SyncBatchResult {
  /**
   * `committed`; `alreadyCommitted` when this checkpoint had committed before (a retry after a
   * commit whose answer was lost: nothing was read); `unchanged` when the reader returned no
   * records and the same state (nothing committed, the checkpoint did not advance).
   */
  readonly status: 'committed' | 'alreadyCommitted' | 'unchanged';
  /** The stream's checkpoint after this call. */
  readonly checkpoint: number;
  /** Records upserted by this call. */
  readonly recordsWritten: number;
  /** Records committed for this stream by every commit so far. */
  readonly streamRecordsCommitted: number;
  /** ISO time of the stream's last commit, `null` before any. */
  readonly committedAt: string | null;
  /** The reader said the stream has nothing more now (`false` when nothing was read). */
  readonly done: boolean;
  /** The destination table, schema-qualified. */
  readonly table: string;
  /** The stream's `stream_state` after this call, when it is small (see `maxResultStateBytes`); else absent. */
  readonly state?: JsonObject;
}
