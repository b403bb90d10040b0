import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  type WorkflowOptions,
} from '@temporalio/client';
import { getSyncStateQuery, syncWorkflowId } from '../../workflows/definitions';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { InvalidInputError } from '../errors';
import { mergeSyncProgress } from './merge-progress';
import { readSyncProgress } from './read-progress';
import type { SyncProgress } from '../activity-bodies/types';

/** Options of {@link startSyncWorkflow}. */
export interface StartSyncWorkflowOptions {
  /** Task queue of the workers that run the sync. Required. */
  readonly taskQueue: string;
  /** Workflow type. Default: `'batchSyncWorkflow'`. */
  readonly workflowType?: string;
  /**
   * Other options of `client.workflow.start`: timeouts, retry policy, memo, search attributes,
   * start delay… The workflow id and its conflict and reuse policies stay the sync's own (one
   * sync per connection). Default: none.
   */
  readonly workflowOptions?: Omit<
    WorkflowOptions,
    'workflowId' | 'taskQueue' | 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'
  >;
}

/** Thrown when a sync of the connection is already running: one sync per connection. */
export class SyncAlreadyRunningError extends Error {
  constructor(
    readonly connectionId: string,
    readonly workflowId: string,
  ) {
    super(
      `A sync of connection "${connectionId}" is already running (workflow id "${workflowId}"). Wait for it, or cancel it.`,
    );
    this.name = 'SyncAlreadyRunningError';
  }
}

/**
 * Starts the sync workflow of a connection under the workflow id derived from it. A second
 * start while one runs is refused ({@link SyncAlreadyRunningError}); a failed or terminated sync
 * may be started again, and resumes from its last commit.
 */
export async function startSyncWorkflow<T extends { connectionId: string }>(
  client: Client,
  input: T,
  options: StartSyncWorkflowOptions,
): Promise<WorkflowHandle> {
  const workflowId = syncWorkflowId(input.connectionId);
  try {
    return await client.workflow.start(options.workflowType ?? 'batchSyncWorkflow', {
      ...options.workflowOptions,
      taskQueue: options.taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError)
      throw new SyncAlreadyRunningError(input.connectionId, workflowId);
    throw error;
  }
}

/** The owner of a sync's state, as a sync workflow records it in its memo. */
interface SyncMemo {
  connectionId: string;
  sourceName: string;
  destinationName: string | null;
  tablePrefix: string | null;
}

/**
 * The state attached to a sync workflow: while it runs, its live query answer, in which each
 * stream whose committed checkpoint in the database is newer (a commit the workflow has not heard
 * of yet) is replaced by the database's; once it has closed (or when no worker answers the
 * query), the same shape read from the database. The workflow's memo says whose state it is.
 */
export async function getSyncState(
  client: Client,
  workflowId: string,
  options: { readonly backend: SqlStateBackend },
): Promise<SyncProgress> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const running = description.status.name === 'RUNNING';
  const memo = description.memo?.syncState as SyncMemo | undefined;
  let live: SyncProgress | undefined;
  if (running) {
    try {
      live = await handle.query(getSyncStateQuery);
    } catch {
      // No worker answers (all down, or busy past the query timeout): the database still knows.
    }
  }
  // No memo yet: its session had not started when described, so its answer is all there is.
  if (live && !memo) return live;
  if (!memo)
    throw new InvalidInputError(
      'workflowId',
      'the id of a temporal-sync-state sync workflow (with a syncState memo)',
      `"${workflowId}"`,
    );
  // Read after the query, so that the database is the newer of the two wherever they differ.
  const stored = await readSyncProgress(
    options.backend,
    {
      connectionId: memo.connectionId,
      sourceName: memo.sourceName,
      destinationName: memo.destinationName ?? undefined,
      tablePrefix: memo.tablePrefix ?? undefined,
    },
    running ? 'running' : (description.status.name.toLowerCase() as SyncProgress['status']),
  );
  return live ? mergeSyncProgress(live, stored) : stored;
}
