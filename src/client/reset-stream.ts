import type { Client } from '@temporalio/client';
import { syncWorkflowId } from '../../workflows/definitions';
import {
  type ResetStreamRequest,
  type ResetStreamResult,
  resetStreamUpdate,
} from '../../workflows/definitions';

/**
 * Resets one stream of the running sync of a connection (the example `batchSyncWorkflow`): the
 * workflow clears the stream's state between two batches and reads it again from scratch.
 * Resolves once the reset is applied; fails when no sync of the connection is running.
 */
export function resetSyncStream(
  client: Client,
  connectionId: string,
  request: ResetStreamRequest,
): Promise<ResetStreamResult> {
  return client.workflow
    .getHandle(syncWorkflowId(connectionId))
    .executeUpdate(resetStreamUpdate, { args: [request] });
}
