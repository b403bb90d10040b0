import { setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StateActivities } from '../activities/create-state-activities';
import type { AirbyteStateMessage, JsonObject } from '../src/protocol/types';
import type { ResetStreamsResult } from '../src/sync/reset-streams';
import type {
  CheckpointEntry,
  CommitBatchResult,
  StreamKey,
  StreamProgress,
  SyncProgress,
} from '../src/sync/types';
import { getSyncStateQuery, syncSearchAttributes } from './definitions';
import { proxyStateActivities, type StateActivityOptions } from './state-activities';
import { sortMessages, stateFileText } from './state-file-text';

/** Options of {@link SyncSession.start}. */
export interface SyncSessionOptions extends StateActivityOptions {
  /** The connection; at most one run of it commits at a time. Required. */
  readonly connectionId: string;
  /** The source name under which state is stored. Required. */
  readonly sourceName: string;
  /** The destination name; absent: the cache state table. Default: absent. */
  readonly destinationName?: string;
  /** Table prefix of state rows and stream tables. Default: the worker's. */
  readonly tablePrefix?: string;
  /** Streams to sync; they show in the progress before their first commit. Default: those with state. */
  readonly streams?: readonly string[];
  /** Upsert the `Sync*` search attributes (register them on the server first). Default: `false`. */
  readonly searchAttributes?: boolean;
}

/** One commit: the records of a batch and the state after it. */
export interface CheckpointInput {
  /** The records' stream; default: the state's stream (required for GLOBAL state). */
  readonly stream?: string | StreamKey;
  readonly records: readonly JsonObject[];
  readonly primaryKey: readonly string[];
  readonly state: AirbyteStateMessage;
  /** Destination table; default: `tablePrefix + stream name`. */
  readonly table?: string;
}

/**
 * The state of one sync run, inside its workflow: claims the connection (fencing off older runs),
 * loads the state to resume from, commits each batch exactly once with the next checkpoint number,
 * and answers the {@link getSyncStateQuery} with live progress. Create it with {@link SyncSession.start}.
 */
export class SyncSession {
  private readonly streams = new Map<string, Mutable<StreamProgress>>();
  private readonly messages = new Map<string, AirbyteStateMessage>();
  private status: SyncProgress['status'] = 'starting';
  private epoch = 0;

  private constructor(
    private readonly options: SyncSessionOptions,
    private readonly activities: StateActivities,
  ) {}

  /** Registers the query, claims the connection and loads its state and checkpoints. */
  static async start(options: SyncSessionOptions): Promise<SyncSession> {
    const session = new SyncSession(options, proxyStateActivities(options));
    setHandler(getSyncStateQuery, () => session.progress());
    upsertMemo({
      syncState: {
        connectionId: options.connectionId,
        sourceName: options.sourceName,
        destinationName: options.destinationName ?? null,
        tablePrefix: options.tablePrefix ?? null,
      },
    });
    if (options.searchAttributes) {
      upsertSearchAttributes([
        { key: syncSearchAttributes.connectionId, value: options.connectionId },
        { key: syncSearchAttributes.sourceName, value: options.sourceName },
      ]);
    }
    const started = await session.activities.startSync({
      connectionId: options.connectionId,
      sourceName: options.sourceName,
      destinationName: options.destinationName,
      tablePrefix: options.tablePrefix,
    });
    session.epoch = started.epoch;
    for (const name of options.streams ?? []) session.entry({ name });
    for (const message of started.state.messages)
      session.messages.set(messageKey(message), message);
    for (const stream of started.state.streams) session.entry(stream).state = stream.state;
    for (const checkpoint of started.checkpoints) {
      Object.assign(session.entry(checkpoint), {
        checkpoint: checkpoint.checkpoint,
        recordsCommitted: checkpoint.recordsCommitted,
        committedAt: checkpoint.committedAt,
      });
    }
    session.status = 'running';
    return session;
  }

  /** The `stream_state` of a stream (its cursor), `null` when it has none yet. */
  streamState(stream: string | StreamKey): JsonObject | null {
    return (
      this.streams.get(keyOf(typeof stream === 'string' ? { name: stream } : stream))?.state ?? null
    );
  }

  /** The last committed checkpoint of a stream (0 before any). */
  lastCheckpoint(stream: string | StreamKey): number {
    return (
      this.streams.get(keyOf(typeof stream === 'string' ? { name: stream } : stream))?.checkpoint ??
      0
    );
  }

  /**
   * Commits a batch's records and the state after it in one transaction, with the stream's next
   * checkpoint number and this run's epoch. A retried commit that had already gone through is
   * reported as `alreadyCommitted` and changes nothing.
   */
  async checkpoint(batch: CheckpointInput): Promise<CommitBatchResult> {
    const stream =
      batch.state.type === 'STREAM' && batch.state.stream
        ? batch.state.stream.stream_descriptor
        : batch.state.type === 'GLOBAL'
          ? { name: '_GLOBAL' }
          : { name: '_LEGACY' };
    const entry = this.entry(stream);
    const result = await this.activities.commitBatch({
      connectionId: this.options.connectionId,
      sourceName: this.options.sourceName,
      destinationName: this.options.destinationName,
      tablePrefix: this.options.tablePrefix,
      stream: batch.stream,
      records: batch.records,
      primaryKey: batch.primaryKey,
      state: batch.state,
      checkpoint: entry.checkpoint + 1,
      epoch: this.epoch,
      table: batch.table,
    });
    entry.checkpoint = result.checkpoint;
    entry.recordsCommitted = result.streamRecordsCommitted;
    entry.committedAt = result.committedAt;
    if (batch.state.type === 'STREAM') entry.state = batch.state.stream?.stream_state ?? null;
    this.messages.set(messageKey(batch.state), batch.state);
    if (this.options.searchAttributes) {
      upsertSearchAttributes([
        { key: syncSearchAttributes.lastCheckpointTime, value: new Date(result.committedAt) },
        { key: syncSearchAttributes.recordsCommitted, value: this.progress().recordsCommitted },
      ]);
    }
    return result;
  }

  /** Marks the sync as completed in its progress. */
  complete(): void {
    this.status = 'completed';
  }

  /** True when Temporal suggests continuing as new (the history is getting long). */
  get continueAsNewSuggested(): boolean {
    return workflowInfo().continueAsNewSuggested;
  }

  /** The live progress, as the query returns it. */
  progress(): SyncProgress {
    // Same order as readSyncProgress (src/sync/read-progress.ts), so both shapes compare equal.
    const streams = [...this.streams.values()]
      .map((s) => ({ ...s }))
      .sort(
        (a, b) =>
          (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name),
      );
    const committed = streams
      .map((s) => s.committedAt)
      .filter((t): t is string => t !== null)
      .sort();
    return {
      connectionId: this.options.connectionId,
      sourceName: this.options.sourceName,
      destinationName: this.options.destinationName ?? null,
      status: this.status,
      epoch: this.epoch,
      streams,
      recordsCommitted: streams.reduce((sum, s) => sum + s.recordsCommitted, 0),
      batchesCommitted: streams.reduce((sum, s) => sum + s.checkpoint, 0),
      stateFile: stateFileText(sortMessages([...this.messages.values()])),
      lastCommittedAt: committed.at(-1) ?? null,
    };
  }

  private entry(stream: StreamKey): Mutable<StreamProgress> {
    const key = keyOf(stream);
    let entry = this.streams.get(key);
    if (!entry) {
      entry = {
        name: stream.name,
        namespace: stream.namespace || null,
        state: null,
        checkpoint: 0,
        recordsCommitted: 0,
        committedAt: null,
      };
      this.streams.set(key, entry);
    }
    return entry;
  }

  /**
   * Records commits made outside the session, e.g. by the `syncConnector` activity, which
   * commits at each STATE of a connector and reports them (in progress signals, then in its
   * result), so that the progress shows them. A report older than what the session holds never
   * moves a stream, or its state, backwards.
   */
  recordCommits(commits: {
    readonly epoch?: number;
    readonly checkpoints: readonly CheckpointEntry[];
    readonly messages: readonly AirbyteStateMessage[];
  }): void {
    if (commits.epoch !== undefined && commits.epoch > this.epoch) this.epoch = commits.epoch;
    const older = new Set<string>();
    let newer = false;
    for (const checkpoint of commits.checkpoints) {
      const entry = this.entry(checkpoint);
      if (checkpoint.checkpoint < entry.checkpoint) {
        older.add(keyOf(checkpoint));
        continue;
      }
      newer ||= checkpoint.checkpoint > entry.checkpoint;
      entry.checkpoint = checkpoint.checkpoint;
      entry.recordsCommitted = checkpoint.recordsCommitted;
      entry.committedAt = checkpoint.committedAt;
    }
    for (const message of commits.messages) {
      const stream =
        message.type === 'STREAM' && message.stream
          ? message.stream.stream_descriptor
          : { name: message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY' };
      if (older.has(keyOf(stream))) continue;
      this.messages.set(messageKey(message), message);
      if (message.type === 'STREAM')
        this.entry(stream).state = message.stream?.stream_state ?? null;
    }
    if (newer && this.options.searchAttributes) {
      const progress = this.progress();
      if (progress.lastCommittedAt !== null)
        upsertSearchAttributes([
          {
            key: syncSearchAttributes.lastCheckpointTime,
            value: new Date(progress.lastCommittedAt),
          },
          { key: syncSearchAttributes.recordsCommitted, value: progress.recordsCommitted },
        ]);
    }
  }

  /**
   * Clears the stored state of some streams of this sync (in the database, where the history
   * records the clear, and in the session), so that their next batch reads from scratch. Call it
   * between batches: a batch read before the reset would commit its older cursor again.
   * Checkpoint numbers go on counting. Returns the state removed.
   */
  async resetStreams(
    streams: readonly (string | StreamKey)[],
    note?: string,
  ): Promise<ResetStreamsResult> {
    const keys = streams.map((s) => (typeof s === 'string' ? { name: s } : s));
    const result = await this.activities.resetStreams({
      connectionId: this.options.connectionId,
      sourceName: this.options.sourceName,
      destinationName: this.options.destinationName,
      tablePrefix: this.options.tablePrefix,
      epoch: this.epoch,
      streams: keys,
      note,
    });
    for (const key of keys) {
      const entry = this.streams.get(keyOf(key));
      if (entry) entry.state = null;
      this.messages.delete(keyOf(key));
    }
    return result;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function keyOf(stream: StreamKey): string {
  return JSON.stringify([stream.namespace ?? '', stream.name]);
}

function messageKey(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM' && message.stream) return keyOf(message.stream.stream_descriptor);
  return message.type === 'GLOBAL' ? 'GLOBAL' : 'LEGACY';
}
