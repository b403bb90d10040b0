import type {
  SearchAttributeKey,
  SearchAttributeType,
} from '@temporalio/common/lib/search-attributes';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ClearedStreamState } from '../src/backend/clear-states';
import type { SyncProgress } from '../src/activity-bodies/types';

/** Query name of the state attached to a sync workflow; callable from any SDK by this name. */
export const SYNC_STATE_QUERY_NAME = 'temporal-sync-state.getSyncState';

/** The state attached to a sync workflow: progress, per-stream state and checkpoints. */
export const getSyncStateQuery = defineQuery<SyncProgress>(SYNC_STATE_QUERY_NAME);

/** A typed search attribute key; built by hand so that workflow code needs only `@temporalio/workflow`. */
function key<T extends SearchAttributeType>(name: string, type: T): SearchAttributeKey<T> {
  return { name, type };
}

/** Search attributes a sync upserts when the caller says they are registered on the server. */
export const syncSearchAttributes = {
  /** The connection id (Keyword). */
  connectionId: key('SyncConnectionId', 'KEYWORD'),
  /** The source name (Keyword). */
  sourceName: key('SyncSourceName', 'KEYWORD'),
  /** Time of the last commit (Datetime). */
  lastCheckpointTime: key('SyncLastCheckpointTime', 'DATETIME'),
  /** Records committed so far (Int). */
  recordsCommitted: key('SyncRecordsCommitted', 'INT'),
} as const;

/** Workflow id of the sync of a connection: one sync per connection. */
export function syncWorkflowId(connectionId: string): string {
  return `sync-${connectionId}`;
}

/** Update name of "reset a stream" on the sync workflows; callable from any SDK by this name. */
export const RESET_STREAM_UPDATE_NAME = 'temporal-sync-state.resetStream';

/** What to reset: one stream of the sync. */
export interface ResetStreamRequest {
  readonly stream: string;
  /** The stream's namespace; absent or `null`: none. */
  readonly namespace?: string | null;
  /** Kept with the clear in the state history. Default: none. */
  readonly note?: string;
}

/** What a reset did, once the workflow applied it between two batches. */
export interface ResetStreamResult {
  readonly stream: string;
  readonly namespace: string | null;
  /** The state it removed; `null` when the stream had none yet. */
  readonly removed: ClearedStreamState | null;
  /**
   * `false`: this run reads the stream again from scratch. `true`: this run had already finished
   * the stream (or stops before reading it again), so the next run reads it.
   */
  readonly rereadByNextRun: boolean;
}

/**
 * Resets a stream of a running sync: the workflow clears the stream's state between two of its
 * batches (never while one is in flight, whose commit would write the old cursor back) and reads
 * it again from scratch. The update completes once the reset is applied.
 */
export const resetStreamUpdate = defineUpdate<ResetStreamResult, [ResetStreamRequest]>(
  RESET_STREAM_UPDATE_NAME,
);

/**
 * Activity error types that no retry can fix: the `type` of every non-retryable failure of the
 * state activities (see src/errors.ts), for a retry policy's `nonRetryableErrorTypes`.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'InvalidStateMessage',
  'InvalidInput',
  'StaleCheckpoint',
  'StateNotFound',
  'PayloadTooLarge',
  'UnsafeInteger',
];
