import type { Client } from '@temporalio/client';

/** The part of a close event read here. */
interface Event {
  readonly workflowExecutionContinuedAsNewEventAttributes?: {
    readonly newExecutionRunId?: string | null;
  } | null;
}

/** One run of a workflow chain, as the server describes it. */
export interface WorkflowRun {
  readonly runId: string;
  /** The server's `historySizeBytes` of this run. */
  readonly historyBytes: number;
  readonly historyEvents: number;
}

/** `HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT` (@temporalio/proto is no direct dependency of ours). */
const CLOSE_EVENT_ONLY = 2;

/** Most runs followed, so that a chain that never ends cannot hang the benchmark. */
const MAX_RUNS = 10_000;

/**
 * Every run of a closed workflow chain from its first run: each run's history size as the
 * server reports it (`DescribeWorkflowExecution`), then the run its close event continued as
 * new to (read alone, with the close-event filter, so a large history is not fetched).
 */
export async function workflowRuns(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<WorkflowRun[]> {
  const runs: WorkflowRun[] = [];
  for (let runId: string | undefined = firstRunId; runId && runs.length < MAX_RUNS;) {
    const description = await client.workflow.getHandle(workflowId, runId).describe();
    runs.push({
      runId,
      historyBytes: description.historySize ?? Number.NaN,
      historyEvents: description.historyLength,
    });
    const close: { history?: { events?: Event[] | null } | null } =
      await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId, runId },
        historyEventFilterType: CLOSE_EVENT_ONLY,
      });
    const event: Event | undefined = close.history?.events?.at(-1);
    runId = event?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}
