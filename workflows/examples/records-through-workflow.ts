/**
 * An example of the records-through-the-workflow path, kept to compare with `batchSyncWorkflow`
 * (benchmarks, fault runs): an activity reads a batch of the sample source and returns its
 * records to the workflow, which commits them with `session.checkpoint`. Every record travels
 * through history twice; use it only for records that originate in workflow code.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { SampleSourceActivities } from '../../activities/examples/sample-source-activities';
import type { SyncProgress } from '../../src/activity-bodies/types';
import type { BatchSyncInput } from '../batch-sync-workflow';
import { continueSyncAsNew } from '../continue-as-new';
import { StreamResets } from '../reset-stream-update';
import { NON_RETRYABLE_ERROR_TYPES } from '../state-activities';
import { SyncSession } from '../sync-session';

/** Streams of the sample source. */
export const SAMPLE_STREAMS = ['users', 'products', 'purchases'] as const;

/**
 * The sample source's sync with records through the workflow: for each stream in turn, read a
 * batch after the stored cursor (`readSourceBatch`), commit its records and state (`checkpoint`),
 * until the stream is exhausted. Takes `batchSyncWorkflow`'s input; the sample source's `config`
 * (`count`, `seed`, `failBatch`) goes to the read activity.
 */
export async function recordsThroughWorkflowSync(input: BatchSyncInput): Promise<SyncProgress> {
  const streams = input.source.streams.map((s) => (typeof s === 'string' ? s : s.name));
  const session = await SyncSession.start({
    connectionId: input.connectionId,
    sourceName: input.source.name,
    destinationName: input.destination?.name,
    tablePrefix: input.destination?.tablePrefix,
    streams,
    searchAttributes: input.searchAttributes,
    activityNamePrefix: input.activityNamePrefix,
    local: input.localActivities,
    activityOptions: input.activityOptions,
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
    ...input.batchActivityOptions,
  });
  const config = input.source.config ?? {};
  let batchesThisRun = 0;
  for (const stream of streams) {
    await resets.applyFor(stream);
    for (;;) {
      const cursor = session.streamState(stream)?.updated_at;
      const batch = await source.readSourceBatch({
        stream,
        cursor: typeof cursor === 'string' ? cursor : null,
        limit: input.batchSize ?? 1000,
        seed: (config.seed as number | undefined) ?? 1,
        count: config.count as number,
        batch: session.lastCheckpoint(stream) + 1,
        failBatch: config.failBatch as number | undefined,
      });
      // An empty batch moves no cursor: nothing to commit.
      if (batch.records.length > 0)
        await session.checkpoint({
          records: batch.records,
          primaryKey: ['id'],
          state: batch.state,
        });
      batchesThisRun++;
      if (await resets.applyFor(stream)) continue; // between batches: read again from scratch
      if (batch.done) break;
      if (
        session.continueAsNewSuggested ||
        batchesThisRun >= (input.maxBatchesPerRun ?? Number.POSITIVE_INFINITY)
      ) {
        await resets.applyAll();
        return continueSyncAsNew<typeof recordsThroughWorkflowSync>(input);
      }
    }
    resets.finish(stream);
  }
  // A stream reset after this run had finished it is read again by the next run.
  if (resets.needAnotherPass) return continueSyncAsNew<typeof recordsThroughWorkflowSync>(input);
  session.complete();
  return session.progress();
}
