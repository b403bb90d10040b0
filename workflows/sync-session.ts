import {
  ApplicationFailure,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { StateActivities } from '../activities/create-state-activities';
import { DEFAULT_MAX_PAYLOAD_BYTES, jsonBytes } from '../src/protocol/json-bytes';
import type { AirbyteStateMessage, JsonObject } from '../src/protocol/types';
import type { ResetStreamsResult } from '../src/activity-bodies/reset-streams';
import type {
  CheckpointEntry,
  CommitBatchInput,
  CommitBatchResult,
  StreamKey,
  StreamProgress,
  SyncBatchResult,
  SyncProgress,
} from '../src/activity-bodies/types';
import { getSyncStateQuery, syncSearchAttributes } from './definitions';
import { proxyStateActivities, type StateActivityOptions } from './state-activities';

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
  readonly streams?: readonly (string | StreamKey)[];
  /** Upsert the `Sync*` search attributes (register them on the server first). Default: `false`. */
  readonly searchAttributes?: boolean;
  /**
   * Load the stored state at the start, for {@link SyncSession.streamState}. A session whose
   * batches read their state in the activity ({@link SyncSession.syncBatch}) needs none: its
   * start then stays small whatever the state's size. Default: `true`.
   */
  readonly loadState?: boolean;
  /**
   * Largest `checkpoint` input, as JSON: a larger batch fails the workflow at once with
   * `PayloadTooLarge`, before Temporal would refuse it. Default: 1.5 MB (`DEFAULT_MAX_PAYLOAD_BYTES`).
   */
  readonly maxPayloadBytes?: number;
}

/** One commit through the workflow: the records of a batch and the state after it. */
export interface CheckpointInput {
  /** The records' stream; default: the state's stream (required for GLOBAL state). */
  readonly stream?: string | StreamKey;
  readonly records: readonly JsonObject[];
  readonly primaryKey: readonly string[];
  readonly state: AirbyteStateMessage;
  /** Destination table; default: `tablePrefix + stream name`. */
  readonly table?: string;
}

/** One batch read and committed by the worker (`syncBatch`): which reader, how much. */
export interface SyncBatchOptions {
  /** The reader's name, as the worker registered it (`SyncStatePlugin`'s `readers`). */
  readonly reader: string;
  /** Top-level record fields that identify a record. */
  readonly primaryKey: readonly string[];
  /** Most records in the batch. */
  readonly limit: number;
  /** Passed to the reader (never secrets: it is in history). Default: `{}`. */
  readonly config?: JsonObject;
  /** Destination table; default: `tablePrefix + stream name`. */
  readonly table?: string;
}

/**
 * The state of one sync run, inside its workflow: claims the connection (fencing off older runs),
 * loads the checkpoints (and state) to resume from, commits each batch exactly once with the next
 * checkpoint number, and answers the {@link getSyncStateQuery} with live progress. Create it with
 * {@link SyncSession.start}.
 */
export class SyncSession {
  private readonly streams = new Map<string, Mutable<StreamProgress>>();
  private status: SyncProgress['status'] = 'starting';
  private epoch = 0;

  private constructor(
    private readonly options: SyncSessionOptions,
    private readonly activities: StateActivities,
  ) {}

  /** Registers the query, claims the connection and loads its checkpoints (and state). */
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
      loadState: options.loadState ?? true,
    });
    session.epoch = started.epoch;
    for (const stream of options.streams ?? [])
      session.entry(typeof stream === 'string' ? { name: stream } : stream);
    for (const message of started.state?.messages ?? []) {
      if (message.type === 'STREAM' && message.stream)
        session.entry(message.stream.stream_descriptor).state = message.stream.stream_state ?? null;
    }
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

  /** The `stream_state` of a stream (its cursor), `null` when it has none yet (or was not loaded). */
  streamState(stream: string | StreamKey): JsonObject | null {
    return this.streams.get(keyOf(toKey(stream)))?.state ?? null;
  }

  /** The last committed checkpoint of a stream (0 before any). */
  lastCheckpoint(stream: string | StreamKey): number {
    return this.streams.get(keyOf(toKey(stream)))?.checkpoint ?? 0;
  }

  /**
   * Has the worker read one batch of `stream` after its committed state (with a registered
   * reader) and commit it with the stream's next checkpoint and this run's epoch: the records
   * never pass through the workflow, whose history grows by one small activity per batch. A
   * retry of a batch that had committed answers `alreadyCommitted` and reads nothing.
   */
  async syncBatch(stream: string | StreamKey, batch: SyncBatchOptions): Promise<SyncBatchResult> {
    const key = toKey(stream);
    const entry = this.entry(key);
    const result = await this.activities.syncBatch({
      ...this.owner(),
      epoch: this.epoch,
      reader: batch.reader,
      stream: key,
      primaryKey: batch.primaryKey,
      checkpoint: entry.checkpoint + 1,
      limit: batch.limit,
      config: batch.config,
      table: batch.table,
    });
    if (result.checkpoint >= entry.checkpoint) {
      entry.checkpoint = result.checkpoint;
      entry.recordsCommitted = result.streamRecordsCommitted;
      entry.committedAt = result.committedAt;
      entry.state = result.state ?? null;
    }
    if (result.status === 'committed') this.upsertProgressAttributes();
    return result;
  }

  /**
   * Commits a batch's records and the state after it in one transaction, with the stream's next
   * checkpoint number and this run's epoch: for records that originate in workflow code (they
   * travel through history twice; prefer {@link syncBatch} for records a source gives). A batch
   * over `maxPayloadBytes` fails the workflow at once with `PayloadTooLarge`. A retried commit
   * that had already gone through is reported as `alreadyCommitted` and changes nothing.
   */
  async checkpoint(batch: CheckpointInput): Promise<CommitBatchResult> {
    const stream =
      batch.state.type === 'STREAM' && batch.state.stream
        ? batch.state.stream.stream_descriptor
        : batch.state.type === 'GLOBAL'
          ? { name: '_GLOBAL' }
          : { name: '_LEGACY' };
    const entry = this.entry(stream);
    const input: CommitBatchInput = {
      ...this.owner(),
      stream: batch.stream,
      records: batch.records,
      primaryKey: batch.primaryKey,
      state: batch.state,
      checkpoint: entry.checkpoint + 1,
      epoch: this.epoch,
      table: batch.table,
    };
    const limit = this.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    const bytes = jsonBytes(input);
    if (bytes > limit)
      throw ApplicationFailure.nonRetryable(
        `The batch of stream "${stream.name}" is ${bytes} bytes of JSON, over the payload limit of ${limit} bytes (Temporal refuses payloads over 2 MB): commit smaller batches, or read and commit them in the worker with session.syncBatch, whose records never enter the workflow.`,
        'PayloadTooLarge',
      );
    const result = await this.activities.commitBatch(input);
    entry.checkpoint = result.checkpoint;
    entry.recordsCommitted = result.streamRecordsCommitted;
    entry.committedAt = result.committedAt;
    if (batch.state.type === 'STREAM') entry.state = batch.state.stream?.stream_state ?? null;
    this.upsertProgressAttributes();
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
    // Same order as readSyncProgress (src/client/read-progress.ts), so both shapes compare equal.
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
      lastCommittedAt: committed.at(-1) ?? null,
    };
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
      if (message.type !== 'STREAM' || !message.stream) continue;
      const stream = message.stream.stream_descriptor;
      if (older.has(keyOf(stream))) continue;
      this.entry(stream).state = message.stream.stream_state ?? null;
    }
    if (newer) this.upsertProgressAttributes();
  }

  /**
   * Clears the stored state of some streams of this sync (in the database, where the history
   * records the clear, and in the session), so that their next batch reads from scratch. Call it
   * between batches of those streams: a batch read before the reset would commit its older
   * cursor again. Checkpoint numbers go on counting. Returns the state removed.
   */
  async resetStreams(
    streams: readonly (string | StreamKey)[],
    note?: string,
  ): Promise<ResetStreamsResult> {
    const keys = streams.map(toKey);
    const result = await this.activities.resetStreams({
      ...this.owner(),
      epoch: this.epoch,
      streams: keys,
      note,
    });
    for (const key of keys) {
      const entry = this.streams.get(keyOf(key));
      if (entry) entry.state = null;
    }
    return result;
  }

  private owner() {
    return {
      connectionId: this.options.connectionId,
      sourceName: this.options.sourceName,
      destinationName: this.options.destinationName,
      tablePrefix: this.options.tablePrefix,
    };
  }

  private upsertProgressAttributes(): void {
    if (!this.options.searchAttributes) return;
    const progress = this.progress();
    if (progress.lastCommittedAt === null) return;
    upsertSearchAttributes([
      {
        key: syncSearchAttributes.lastCheckpointTime,
        value: new Date(progress.lastCommittedAt),
      },
      { key: syncSearchAttributes.recordsCommitted, value: progress.recordsCommitted },
    ]);
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
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function toKey(stream: string | StreamKey): StreamKey {
  return typeof stream === 'string' ? { name: stream } : stream;
}

function keyOf(stream: StreamKey): string {
  return JSON.stringify([stream.namespace ?? '', stream.name]);
}
