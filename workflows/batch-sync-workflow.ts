import type { ActivityOptions } from '@temporalio/workflow';
import type { JsonObject } from '../src/protocol/types';
import type { StreamKey, SyncBatchResult, SyncProgress } from '../src/activity-bodies/types';
import { continueSyncAsNew } from './continue-as-new';
import { StreamResets } from './reset-stream-update';
import { SyncSession } from './sync-session';

/** Default records per batch. */
export const DEFAULT_BATCH_SIZE = 1000;
/** Default streams read at once. */
export const DEFAULT_STREAM_CONCURRENCY = 3;

/** A stream of {@link BatchSyncInput}, with what differs from the sync's defaults. */
export interface BatchSyncStream {
  readonly name: string;
  /** Default: none. */
  readonly namespace?: string | null;
  /** Default: the sync's `primaryKey`. */
  readonly primaryKey?: readonly string[];
  /** Destination table. Default: `tablePrefix + name`. */
  readonly table?: string;
}

/** The activity options a sync's input may set (plain JSON: durations as strings or ms). */
export type SyncActivityOptions = Pick<
  ActivityOptions,
  'startToCloseTimeout' | 'scheduleToCloseTimeout' | 'heartbeatTimeout' | 'retry'
>;

/** Input of {@link batchSyncWorkflow}. */
export interface BatchSyncInput {
  /** The connection; the workflow id derives from it (see `syncWorkflowId`). Required. */
  readonly connectionId: string;
  readonly source: {
    /** Name under which the state is stored. Required. */
    readonly name: string;
    /** The reader the worker registered for it (`SyncStatePlugin`'s `readers`). Default: `name`. */
    readonly reader?: string;
    /** Streams to sync. Required. */
    readonly streams: readonly (string | BatchSyncStream)[];
    /** Passed to the reader with every batch (never secrets: it is in history). Default: `{}`. */
    readonly config?: JsonObject;
  };
  readonly destination?: {
    /** Destination name; absent: state goes to the cache state table. Default: absent. */
    readonly name?: string;
    /** Prefix of the stream tables and state rows. Default: the worker's. */
    readonly tablePrefix?: string;
  };
  /** Record fields that identify a record, for streams that name none. Default: `['id']`. */
  readonly primaryKey?: readonly string[];
  /** Records per batch. Default: {@link DEFAULT_BATCH_SIZE}. */
  readonly batchSize?: number;
  /** Streams read at once (each one batch at a time). Default: {@link DEFAULT_STREAM_CONCURRENCY}. */
  readonly streamConcurrency?: number;
  /** Continue as new after this many batches in one run (also when Temporal suggests it). Default: no limit. */
  readonly maxBatchesPerRun?: number;
  /** Upsert the `Sync*` search attributes (they must be registered). Default: `false`. */
  readonly searchAttributes?: boolean;
  /** The worker's `activityNamePrefix`. Default: `''`. */
  readonly activityNamePrefix?: string;
  /** Run the activities as local activities (no heartbeats then: mind `batchActivityOptions`). Default: `false`. */
  readonly localActivities?: boolean;
  /** Options of startSync and resetStreams; see `DEFAULT_STATE_ACTIVITY_OPTIONS`. Default: those. */
  readonly activityOptions?: SyncActivityOptions;
  /**
   * Options of `syncBatch`, see `DEFAULT_BATCH_ACTIVITY_OPTIONS` (10 min start-to-close, 30 s
   * heartbeat timeout: a batch of a worker that died is retried elsewhere after 30 s; the start-
   * to-close timeout bounds one read and commit). Default: those.
   */
  readonly batchActivityOptions?: SyncActivityOptions;
}

/**
 * A sync of any source whose reader the worker registered: each batch is read and committed
 * inside the worker by the `syncBatch` activity (exactly once per checkpoint, in one
 * transaction), so records never enter the workflow's history, which grows by one small activity
 * per batch. Streams are read concurrently (bounded), each from its committed state. Resumes from
 * the last commit when started again; answers `getSyncStateQuery` with live progress; takes the
 * `resetStream` update; continues as new on long syncs.
 */
export async function batchSyncWorkflow(input: BatchSyncInput): Promise<SyncProgress> {
  const streams = input.source.streams.map((s) =>
    typeof s === 'string' ? { name: s } : { ...s, namespace: s.namespace ?? undefined },
  );
  const session = await SyncSession.start({
    connectionId: input.connectionId,
    sourceName: input.source.name,
    destinationName: input.destination?.name,
    tablePrefix: input.destination?.tablePrefix,
    streams,
    loadState: false,
    searchAttributes: input.searchAttributes,
    activityNamePrefix: input.activityNamePrefix,
    local: input.localActivities,
    activityOptions: input.activityOptions,
    batchActivityOptions: input.batchActivityOptions,
  });
  const resets = StreamResets.accept(session, streams);
  let batchesThisRun = 0;
  let stopping = false;

  const syncStream = async (stream: BatchSyncStream & StreamKey): Promise<void> => {
    await resets.applyFor(stream);
    for (;;) {
      const result: SyncBatchResult = await session.syncBatch(stream, {
        reader: input.source.reader ?? input.source.name,
        primaryKey: stream.primaryKey ?? input.primaryKey ?? ['id'],
        limit: input.batchSize ?? DEFAULT_BATCH_SIZE,
        config: input.source.config,
        table: stream.table,
      });
      batchesThisRun++;
      if (await resets.applyFor(stream)) continue; // between batches: read again from scratch
      // A batch that committed nothing ends the stream for this run (its reader has no more now).
      if (result.done || result.status === 'unchanged') {
        resets.finish(stream);
        return;
      }
      if (
        session.continueAsNewSuggested ||
        batchesThisRun >= (input.maxBatchesPerRun ?? Number.POSITIVE_INFINITY)
      )
        stopping = true;
      if (stopping) return;
    }
  };

  const pending = [...streams];
  const lanes = Math.max(
    1,
    Math.min(input.streamConcurrency ?? DEFAULT_STREAM_CONCURRENCY, pending.length),
  );
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let next = pending.shift(); next && !stopping; next = pending.shift())
        await syncStream(next);
    }),
  );
  await resets.applyAll(); // no batch is in flight: what waits is read by the next run
  if (stopping || resets.needAnotherPass) return continueSyncAsNew<typeof batchSyncWorkflow>(input);
  session.complete();
  return session.progress();
}
