/**
 * Workflow-side helpers of temporal-sync-state (the `temporal-sync-state/workflow` entry).
 * Sandbox-safe: imports only `@temporalio/workflow` and types.
 */
export {
  getSyncStateQuery,
  SYNC_STATE_QUERY_NAME,
  syncSearchAttributes,
  syncWorkflowId,
} from './definitions';
export {
  DEFAULT_BATCH_ACTIVITY_OPTIONS,
  DEFAULT_STATE_ACTIVITY_OPTIONS,
  NON_RETRYABLE_ERROR_TYPES,
  proxyStateActivities,
} from './state-activities';
export type { StateActivityOptions } from './state-activities';
export { SyncSession } from './sync-session';
export { toStateInputFileText as stateFileText } from '../src/protocol/state-file-text';
export { streamStatesOf } from '../src/protocol/stream-states';
export type { StreamStateEntry } from '../src/protocol/stream-states';
export { DEFAULT_MAX_PAYLOAD_BYTES, jsonBytes } from '../src/protocol/json-bytes';
export type { CheckpointInput, SyncBatchOptions, SyncSessionOptions } from './sync-session';
export { continueSyncAsNew } from './continue-as-new';
export type {
  CheckpointEntry,
  CommitBatchInput,
  CommitBatchResult,
  GetStateInput,
  StartSyncInput,
  StartSyncResult,
  StateOwner,
  StreamKey,
  StreamProgress,
  StreamRefInput,
  SyncBatchInput,
  SyncBatchResult,
  SyncProgress,
  SyncStateSnapshot,
  WriteStateInput,
  WriteStateResult,
} from '../src/activity-bodies/types';
export type {
  AirbyteStateMessage,
  AirbyteStreamState,
  AirbyteGlobalState,
  StreamDescriptor,
  JsonObject,
  JsonValue,
} from '../src/protocol/types';
export type { StateActivities } from '../activities/create-state-activities';
export { RESET_STREAM_UPDATE_NAME, resetStreamUpdate } from './definitions';
export type { ResetStreamRequest, ResetStreamResult } from './definitions';
export { StreamResets } from './reset-stream-update';
export { REFRESH_STREAMS_UPDATE_NAME, refreshStreamsUpdate } from './refresh-streams-update';
export type { RefreshStreamsRequest } from './refresh-streams-update';
export { CONNECTOR_PROGRESS_SIGNAL_NAME, connectorProgressSignal } from './connector-progress';
