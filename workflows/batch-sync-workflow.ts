import { proxyActivities } from '@temporalio/workflow';
import type { SampleSourceActivities } from '../activities/sample-source-activities';
import type { SyncProgress } from '../src/sync/types';
import { continueSyncAsNew } from './continue-as-new';
import { StreamResets } from './reset-stream-update';
import { NON_RETRYABLE_ERROR_TYPES } from './state-activities';
import { SyncSession } from './sync-session';

/** Input of {@link batchSyncWorkflow}. */
export interface BatchSyncInput {
  /** The connection; the workflow id derives from it (see `syncWorkflowId`). Required. */
  readonly connectionId: string;
  readonly source: {
    /** Name under which the state is stored. Default: `'sample-source'`. */
    readonly name?: string;
    /** Streams to sync, in order. Default: `users`, `products`, `purchases`. */
    readonly streams?: readonly string[];
    /** Seed of the sample data. Default: 1. */
    readonly seed?: number;
    /** Records per stream at the source. Required. */
    readonly count: number;
    /** Make this batch (checkpoint number) fail on its first attempt, to show a retry. Default: none. */
    readonly failBatch?: number;
  };
  readonly destination?: {
    /** Destination name; absent: state goes to the cache state table. Default: absent. */
    readonly name?: string;
    /** Prefix of the stream tables and state rows. Default: the worker's. */
    readonly tablePrefix?: string;
  };
  /** Records per batch. Default: 1000. */
  readonly batchSize?: number;
  /** Continue as new after this many batches in one run (also when Temporal suggests it). Default: no limit. */
  readonly maxBatchesPerRun?: number;
  /** Upsert the `Sync*` search attributes (they must be registered). Default: `false`. */
  readonly searchAttributes?: boolean;
  /** The worker's `activityNamePrefix`. Default: `''`. */
  readonly activityNamePrefix?: string;
  /** Run the state activities (startSync, commitBatch) as local activities. Default: `false`. */
  readonly localActivities?: boolean;
}

/** Streams of the sample source. */
export const SAMPLE_STREAMS = ['users', 'products', 'purchases'] as const;

/**
 * An incremental sync of the sample source into PostgreSQL: for each stream, read a batch after
 * the stored cursor, commit its records and state in one transaction (exactly once), repeat until
 * the source is exhausted. Resumes from the last commit when started again; answers
 * `getSyncStateQuery` with live progress; continues as new on long syncs.
 */
export async function batchSyncWorkflow(input: BatchSyncInput): Promise<SyncProgress> {
  const streams = input.source.streams ?? SAMPLE_STREAMS;
  const session = await SyncSession.start({
    connectionId: input.connectionId,
    sourceName: input.source.name ?? 'sample-source',
    destinationName: input.destination?.name,
    tablePrefix: input.destination?.tablePrefix,
    streams,
    searchAttributes: input.searchAttributes,
    activityNamePrefix: input.activityNamePrefix,
    local: input.localActivities,
  });
  const resets = StreamResets.accept(session, streams); // the resetStream update
  const source = proxyActivities<SampleSourceActivities>({
    // A batch read takes milliseconds; a short timeout lets a batch of a killed worker retry soon.
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      maximumInterval: '10 seconds',
      nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
    },
  });
  let batchesThisRun = 0;
  for (const stream of streams) {
    for (;;) {
      const cursor = session.streamState(stream)?.updated_at;
      const batch = await source.readSourceBatch({
        stream,
        cursor: typeof cursor === 'string' ? cursor : null,
        limit: input.batchSize ?? 1000,
        seed: input.source.seed ?? 1,
        count: input.source.count,
        batch: session.lastCheckpoint(stream) + 1,
        failBatch: input.source.failBatch,
      });
      // An empty batch moves no cursor: nothing to commit.
      if (batch.records.length > 0)
        await session.checkpoint({
          records: batch.records,
          primaryKey: ['id'],
          state: batch.state,
        });
      batchesThisRun++;
      await resets.applyPending(stream, batch.done); // between batches
      if (batch.done) break;
      if (
        session.continueAsNewSuggested ||
        batchesThisRun >= (input.maxBatchesPerRun ?? Number.POSITIVE_INFINITY)
      ) {
        return continueSyncAsNew<typeof batchSyncWorkflow>(input);
      }
    }
  }
  // A stream reset after this run had finished it is read again by the next run.
  if (resets.needAnotherPass) return continueSyncAsNew<typeof batchSyncWorkflow>(input);
  session.complete();
  return session.progress();
}
