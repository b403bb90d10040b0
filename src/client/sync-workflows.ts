import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  type WorkflowOptions,
} from '@temporalio/client';
import { getSyncStateQuery, syncWorkflowId } from '../../workflows/definitions';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { InvalidInputError } from '../errors';
import { readSyncProgress } from '../sync/read-progress';
import type { SyncProgress } from '../sync/types';

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
 * The state attached to a sync workflow: its live query answer while it runs, and once it has
 * closed (or when no worker answers the query) the same shape read from the database; the
 * workflow's memo says whose state it is.
 */
export async function getSyncState(
  client: Client,
  workflowId: string,
  options: { readonly backend: SqlStateBackend },
): Promise<SyncProgress> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const running = description.status.name === 'RUNNING';
  if (running) {
    try {
      return await handle.query(getSyncStateQuery);
    } catch {
      // No worker answers (all down, or busy past the query timeout): the database still knows.
    }
  }
  const memo = description.memo?.syncState as SyncMemo | undefined;
  if (!memo)
    throw new InvalidInputError(
      'workflowId',
      'the id of a temporal-sync-state sync workflow (with a syncState memo)',
      `"${workflowId}"`,
    );
  return readSyncProgress(
    options.backend,
    {
      connectionId: memo.connectionId,
      sourceName: memo.sourceName,
      destinationName: memo.destinationName ?? undefined,
      tablePrefix: memo.tablePrefix ?? undefined,
    },
    running ? 'running' : (description.status.name.toLowerCase() as SyncProgress['status']),
  );
}
