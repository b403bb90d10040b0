import { Context } from '@temporalio/activity';
import type { SqlStateBackend } from '../src/backend/sql-state-backend';
import { commitBatch } from '../src/sync/commit-batch';
import {
  resetStreams,
  type ResetStreamsInput,
  type ResetStreamsResult,
} from '../src/sync/reset-streams';
import { startSync } from '../src/sync/start-sync';
import { getStateSnapshot } from '../src/sync/state-snapshot';
import { writeStateMessages } from '../src/sync/write-state';
import type {
  CommitBatchInput,
  CommitBatchResult,
  GetStateInput,
  StartSyncInput,
  StartSyncResult,
  SyncStateSnapshot,
  WriteStateInput,
  WriteStateResult,
} from '../src/sync/types';
import { asActivity } from './as-activity';

/** A backend, or a function that returns the backend once it is open (what the plugin passes). */
export type BackendSource = SqlStateBackend | (() => SqlStateBackend);

/**
 * The state activities over one backend. Each call works on its own forked EntityManager.
 * Names and JSON shapes are a contract for workflows in any SDK (see the README).
 */
export function createStateActivities(backend: BackendSource) {
  const get = typeof backend === 'function' ? backend : () => backend;
  return {
    /** The stored state of a source: messages, per-stream state and the `--state` file text. */
    getState: (input: GetStateInput): Promise<SyncStateSnapshot> =>
      asActivity(() => getStateSnapshot(get(), input)),

    /**
     * Writes one or many state messages in one transaction (PyAirbyte's `write_state`), fenced
     * like a commit: see `WriteStateInput`.
     */
    writeState: (input: WriteStateInput): Promise<WriteStateResult> =>
      asActivity(() => writeStateMessages(get(), input)),

    /** Claims a connection for the calling workflow run and returns the state and checkpoints to resume from. */
    startSync: (input: StartSyncInput): Promise<StartSyncResult> =>
      asActivity(() => startSync(get(), input, Context.current().info.workflowExecution?.runId)),

    /** Upserts a batch's records and writes its state in one transaction, exactly once per checkpoint. */
    commitBatch: (input: CommitBatchInput): Promise<CommitBatchResult> =>
      asActivity(() => commitBatch(get(), input)),

    /** Clears some streams' state for the run that owns the connection (e.g. a reset update). */
    resetStreams: (input: ResetStreamsInput): Promise<ResetStreamsResult> =>
      asActivity(() => resetStreams(get(), input)),
  };
}

/** The state activities, as workflows type them: `proxyActivities<StateActivities>(...)`. */
export type StateActivities = ReturnType<typeof createStateActivities>;
