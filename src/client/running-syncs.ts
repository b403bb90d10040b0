import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { syncWorkflowId } from '../../workflows/definitions';
import type { SqlStateBackend } from '../backend/sql-state-backend';

/** Whose state: a source, at a destination (absent: the cache), under a table prefix. */
export interface SyncStateOwner {
  readonly sourceName: string;
  readonly destinationName?: string | undefined;
  readonly tablePrefix: string;
}

/** A sync workflow that is running on the state of an owner. */
export interface RunningSync {
  readonly connectionId: string;
  readonly workflowId: string;
  readonly runId: string;
}

/** Options of {@link findRunningSyncs}. */
export interface FindRunningSyncsOptions {
  /** Connections to check as well (their workflows `sync-<id>`). Default: none. */
  readonly connectionIds?: readonly string[];
  /** Stop scanning running workflows after this many. Default: 10,000. */
  readonly maxScanned?: number;
}

/**
 * The running syncs whose state is `owners`'. A connection's state belongs to the source,
 * destination and table prefix that its sync workflow names in its `syncState` memo (set by
 * `SyncSession.start`). Two ways find them, because each alone can miss one:
 * - the database: every connection whose commits wrote state of an owner (the history records
 *   the connection of each commit), whose workflow `sync-<id>` is then described (strongly
 *   consistent, so a sync started a moment ago is found too);
 * - Temporal's visibility: running workflows whose memo names an owner (finds a sync that has
 *   not committed yet, or runs under another workflow id). A memo without a table prefix (the
 *   worker's default) matches any prefix.
 */
export async function findRunningSyncs(
  client: Client,
  backend: SqlStateBackend,
  owners: readonly SyncStateOwner[],
  options: FindRunningSyncsOptions = {},
): Promise<RunningSync[]> {
  const found = new Map<string, RunningSync>();
  const ids = new Set(options.connectionIds ?? []);
  await backend.migrate();
  for (const owner of owners) {
    const connections = await backend.connections.ofOwner({
      sourceName: owner.sourceName,
      destinationName: owner.destinationName ?? '',
      tablePrefix: owner.tablePrefix,
    });
    for (const id of connections) ids.add(id);
  }
  for (const connectionId of ids) {
    const workflowId = syncWorkflowId(connectionId);
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      if (description.status.name === 'RUNNING')
        found.set(workflowId, { connectionId, workflowId, runId: description.runId });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  const maxScanned = options.maxScanned ?? 10_000;
  let scanned = 0;
  for await (const workflow of client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
    if (++scanned > maxScanned) break;
    const memo = workflow.memo?.syncState as SyncMemo | undefined;
    if (memo && owners.some((owner) => memoNames(memo, owner))) {
      found.set(workflow.workflowId, {
        connectionId: memo.connectionId,
        workflowId: workflow.workflowId,
        runId: workflow.runId,
      });
    }
  }
  return [...found.values()].sort((a, b) => a.workflowId.localeCompare(b.workflowId));
}

/** The memo `SyncSession.start` sets. */
interface SyncMemo {
  readonly connectionId: string;
  readonly sourceName: string;
  readonly destinationName: string | null;
  readonly tablePrefix: string | null;
}

function memoNames(memo: SyncMemo, owner: SyncStateOwner): boolean {
  return (
    memo.sourceName === owner.sourceName &&
    (memo.destinationName ?? undefined) === owner.destinationName &&
    (memo.tablePrefix === null ||
      memo.tablePrefix === undefined ||
      memo.tablePrefix === owner.tablePrefix)
  );
}
