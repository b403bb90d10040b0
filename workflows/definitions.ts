import type {
  SearchAttributeKey,
  SearchAttributeType,
} from '@temporalio/common/lib/search-attributes';
import { defineQuery } from '@temporalio/workflow';
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
