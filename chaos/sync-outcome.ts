/**
 * How a sync workflow ended, as the harness sees it: waited for through server restarts (a
 * failed describe is asked again), terminated when the scenario's time is up.
 */
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

/** How a workflow ended, as the harness saw it. */
export interface SyncOutcome {
  readonly workflowId: string;
  /** Temporal's close status (`COMPLETED`, `FAILED`, …), or `STILL_RUNNING` past the timeout. */
  readonly status: string;
  /** For a failed workflow: the type of the activity failure that failed it, and whether it was non-retryable. */
  readonly failureType?: string;
  readonly nonRetryable?: boolean;
  readonly failureMessage?: string;
}

/** True once the workflow has closed (its last run, after any continue-as-new). */
export async function isClosed(client: Client, workflowId: string): Promise<boolean> {
  try {
    const { status } = await client.workflow.getHandle(workflowId).describe();
    return status.name !== 'RUNNING' && status.name !== 'CONTINUED_AS_NEW';
  } catch {
    return false; // the server may be down: ask again later
  }
}

/** Waits until the workflow closes or `deadline` passes (then terminates it: `STILL_RUNNING`). */
export async function waitForWorkflow(
  client: Client,
  workflowId: string,
  deadline: number,
): Promise<SyncOutcome> {
  while (!(await isClosed(client, workflowId))) {
    if (Date.now() > deadline) {
      await client.workflow
        .getHandle(workflowId)
        .terminate('chaos: the scenario timed out')
        .catch(() => undefined);
      return { workflowId, status: 'STILL_RUNNING' };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    await client.workflow.getHandle(workflowId).result();
    return { workflowId, status: 'COMPLETED' };
  } catch (error) {
    const { status } = await client.workflow.getHandle(workflowId).describe();
    const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
    const failure = cause instanceof ActivityFailure ? cause.cause : cause;
    return {
      workflowId,
      status: status.name,
      failureType: failure instanceof ApplicationFailure ? (failure.type ?? undefined) : undefined,
      nonRetryable:
        failure instanceof ApplicationFailure ? failure.nonRetryable === true : undefined,
      failureMessage: failure?.message ?? (error instanceof Error ? error.message : String(error)),
    };
  }
}
