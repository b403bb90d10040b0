import type { PreparedStateMessage } from '../../protocol/validate';
import type { ClearedStreamState } from '../clear-states';
import type { StateWriterKey } from '../sql-state-writer';
import type { AuthorOptions } from '../state-history';
import type { GenerationPlan } from './generation-steps';
import type { StreamRecordTable } from './record-table';

/** A stream of a connection, as checkpoints are keyed. */
export interface CommitStreamKey {
  /** `''` when the stream has no namespace. */
  readonly namespace: string;
  /** The stream's name, or `_GLOBAL` / `_LEGACY`. */
  readonly streamName: string;
}

/**
 * What a write must show to be let through: the run's claim on the connection, the absence of
 * any claim, or a forced write. See {@link CommitPlan.fence}.
 */
export type CommitFence =
  /** A run's claim: `epoch` must still be the connection's (from `startSync`). */
  | { readonly connectionId: string; readonly epoch: number }
  /** No claim: allowed only while no run ever claimed the connection. */
  | { readonly connectionId: string; readonly epoch?: undefined }
  /**
   * A state write outside any connection: refused while a connection's run syncs this state,
   * unless `force`, which fences those runs and records the forced write in the history.
   */
  | { readonly connectionId?: undefined; readonly force?: boolean };

/** One stream's part of a commit. */
export interface StreamCommit {
  readonly key: CommitStreamKey;
  /**
   * The checkpoint this commit makes the stream's: a number the caller counted (the commit is
   * `alreadyCommitted` when the stream is at it already, stale when past it), or `'next'`.
   */
  readonly checkpoint: number | 'next';
  /** Records to write now, upserted into a stream table; a connector writes its own ahead and counts them in `rowsWrittenAhead`. */
  readonly records?: { readonly table: StreamRecordTable; readonly rows: readonly object[] };
  /** Rows this transaction wrote ahead for the stream, added to its count. Default: 0. */
  readonly rowsWrittenAhead?: number;
}

/** One commit: the fence it must pass, the streams whose checkpoints advance, and the state after it. */
export interface CommitPlan {
  readonly fence: CommitFence;
  /** Streams whose checkpoints advance; empty for a write of state alone. */
  readonly streams: readonly StreamCommit[];
  /** The state to write with the records (its stream's new checkpoint is audited with it). Default: none. */
  readonly state?: {
    readonly owner: StateWriterKey;
    readonly messages: readonly PreparedStateMessage[];
    /** Who writes, for the history. Default: the activity, else `library`. */
    readonly author?: AuthorOptions;
    /**
     * Delete the owner's state rows of the other kinds than the messages' (STREAM vs `_GLOBAL`
     * vs `_LEGACY`) in the same transaction, each deletion a clear in the history: a connector
     * that switched kinds gets one coherent state. Default: `false`.
     */
    readonly supersedeOtherTypes?: boolean;
  };
  /**
   * Generations of a connector run's streams (refreshes): started when the run starts, completed
   * (a staging table swapped in) when a stream's read completes. Default: none.
   */
  readonly generations?: GenerationPlan;
  /**
   * State to clear (each deletion recorded in the history), e.g. a run's reset of some streams;
   * streams without state are skipped. Default: none.
   */
  readonly clear?: {
    readonly owner: StateWriterKey;
    readonly streams: readonly { readonly name: string; readonly namespace: string }[];
    readonly note?: string;
  };
}

/** A stream's checkpoint after a commit. */
export interface CommittedCheckpoint {
  readonly key: CommitStreamKey;
  readonly checkpoint: number;
  /** Rows written for the stream by this commit (0 when already committed). */
  readonly rowsWritten: number;
  /** Records committed for the stream by every commit so far. */
  readonly recordsCommitted: number;
  /** ISO time of its last commit, from the database clock. */
  readonly committedAt: string;
}

/** What a commit did: `alreadyCommitted` when every counted checkpoint had committed before (a retry); nothing changed then. */
export interface CommitOutcome {
  readonly status: 'committed' | 'alreadyCommitted';
  /** The streams' checkpoints, in the plan's order. */
  readonly checkpoints: readonly CommittedCheckpoint[];
  /** Connections a forced write fenced (empty otherwise). */
  readonly fencedConnections: readonly string[];
  /** Streams whose refresh this commit completed (see `CommitPlan.generations`). */
  readonly refreshesCompleted?: readonly string[];
  /** What the plan's `clear` removed (empty without one). */
  readonly cleared: readonly ClearedStreamState[];
}

/**
 * Told the end of each commit step, e.g. to count it in metrics. Called after the transaction
 * ended; it must be cheap (a few counter adds per commit) and an error it throws is ignored.
 */
export interface CommitObserver {
  /** A commit that committed, or found every checkpoint committed before; `ms`: its duration. */
  committed(plan: CommitPlan, outcome: CommitOutcome, ms: number): void;
  /** A commit refused as stale (`StaleCheckpointError`: a fenced run, an older checkpoint). */
  refused(plan: CommitPlan): void;
}
