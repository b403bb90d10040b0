import type { Client } from '@temporalio/client';
import { getSyncStateQuery } from '../../workflows/definitions';
import { startSyncWorkflow } from '../../src/client/sync-workflows';
import type { SyncProgress } from '../../src/activity-bodies/types';

/** Options of {@link runSyncToEnd}. */
export interface RunSyncOptions {
  readonly taskQueue: string;
  /** Workflow type. Default: `'batchSyncWorkflow'`. */
  readonly workflowType?: string;
  /** Called with the live progress while the sync runs. Default: none. */
  readonly onProgress?: (progress: SyncProgress) => void;
  /** How often to query the progress, in ms. Default: 250. */
  readonly pollMs?: number;
}

/** Starts the sync of a connection, reports its live progress, and returns its final progress. */
export async function runSyncToEnd<T extends { connectionId: string }>(
  client: Client,
  input: T,
  options: RunSyncOptions,
): Promise<SyncProgress> {
  const handle = await startSyncWorkflow(client, input, {
    taskQueue: options.taskQueue,
    workflowType: options.workflowType,
  });
  const result = handle.result() as Promise<SyncProgress>;
  if (!options.onProgress) return result;
  let finished = false;
  const polling = (async () => {
    while (!finished) {
      // The query may fail between runs of a continued-as-new sync: the next poll answers.
      const progress = await client.workflow
        .getHandle(handle.workflowId)
        .query(getSyncStateQuery)
        .catch(() => undefined);
      if (progress && !finished) options.onProgress?.(progress);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  })();
  try {
    return await result;
  } finally {
    finished = true;
    await polling;
  }
}

/** An activity attempt that failed and was retried, as the workflow history records it. */
export interface RetriedActivity {
  readonly activityType: string;
  readonly attempt: number;
  readonly failure: string;
}

/** The activities of every run of a workflow id that succeeded only after a retry. */
export async function findRetriedActivities(
  client: Client,
  workflowId: string,
): Promise<RetriedActivity[]> {
  const retried: RetriedActivity[] = [];
  for await (const execution of client.workflow.list({
    query: `WorkflowId = '${workflowId.replaceAll("'", "\\'")}'`,
  })) {
    const scheduled = new Map<string, string>();
    let nextPageToken: Uint8Array | undefined;
    do {
      // Small pages: events carry whole batches of records, and gRPC refuses messages over 4 MB.
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId, runId: execution.runId },
        maximumPageSize: 4,
        nextPageToken,
      });
      for (const event of page.history?.events ?? []) {
        const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
        if (type) scheduled.set(String(event.eventId), type);
        const started = event.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) {
          retried.push({
            activityType: scheduled.get(String(started.scheduledEventId)) ?? 'activity',
            attempt: started.attempt ?? 1,
            failure: started.lastFailure?.message ?? 'unknown failure',
          });
        }
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  }
  return retried;
}

/** The history a workflow id wrote, over all its runs (continue-as-new included). */
export interface HistoryTotals {
  readonly runs: number;
  readonly events: number;
  /** Bytes, as the server counts them (`historySizeBytes`). */
  readonly bytes: number;
}

/** Sums the history of every run of `workflowId`, from the server's visibility records. */
export async function measureHistory(client: Client, workflowId: string): Promise<HistoryTotals> {
  let runs = 0;
  let events = 0;
  let bytes = 0;
  for await (const execution of client.workflow.list({
    query: `WorkflowId = '${workflowId.replaceAll("'", "\\'")}'`,
  })) {
    const described = await client.workflow.getHandle(workflowId, execution.runId).describe();
    runs++;
    events += described.historyLength;
    bytes += described.historySize ?? 0;
  }
  return { runs, events, bytes };
}
