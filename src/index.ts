/**
 * temporal-sync-state: durable Airbyte-style sync state for Temporal workflows, on PostgreSQL,
 * sharing PyAirbyte's SQL state tables. This file is the package's contract, name by name
 * (docs/api.md lists it; test/api/public-api.test.ts keeps the two equal). Connectors are in
 * `temporal-sync-state/connectors`, activities in `/activities`, workflow helpers in `/workflow`,
 * the sync workflows in `/workflows`.
 */

// The state backend, with PyAirbyte's API.
export { SqlStateBackend } from './backend/sql-state-backend';
export { SqlStateWriter } from './backend/sql-state-writer';
export type { WriteOptions } from './backend/sql-state-writer';
export { StateProvider, StaticInputState } from './backend/state-provider';
export type { StreamRef } from './backend/state-provider';
export { JoinedStateProvider } from './backend/joined-state-provider';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_MS,
  DEFAULT_READ_TIMEOUT_MS,
  DEFAULT_SCHEMA,
  DEFAULT_STATEMENT_TIMEOUT_MS,
} from './backend/options';
export type {
  ConnectionTimeouts,
  ConnectOptions,
  SqlStateBackendOptions,
  StateProviderOptions,
  StateWriterOptions,
} from './backend/options';
export type { SqlExecutor } from './backend/executor';
export { DEFAULT_HISTORY_RETENTION } from './backend/state-history';
export type {
  AuthorOptions,
  ClearStateOptions,
  RollbackStateOptions,
  StateHistoryEntry,
  StateHistoryOptions,
  StateOperation,
} from './backend/state-history';
export type { ClearedStreamState } from './backend/clear-states';
export { MIGRATIONS_TABLE, runMigrations } from './backend/migrations/run-migrations';

// The tables, as MikroORM entities.
export {
  CacheStreamState,
  DestinationStreamState,
  StateVersion,
  SyncCheckpoint,
  SyncConnection,
  SyncTable,
  syncStateEntities,
} from './entities';
export type {
  ICacheStreamState,
  IDestinationStreamState,
  IStateVersion,
  ISyncCheckpoint,
  ISyncConnection,
  ISyncTable,
} from './entities';

// The Airbyte protocol's state messages.
export { GLOBAL_STATE_STREAM_NAME, LEGACY_STATE_STREAM_NAME } from './protocol/types';
export type {
  AirbyteGlobalState,
  AirbyteStateMessage,
  AirbyteStateStats,
  AirbyteStateType,
  AirbyteStreamState,
  JsonObject,
  JsonValue,
  StreamDescriptor,
} from './protocol/types';
export { validateStateMessage } from './protocol/validate';
export type { ValidateOptions } from './protocol/validate';
export { parseStateInputFileText, toStateInputFileText } from './protocol/state-file';
export { parseExactJson, stringifyExactJson } from './protocol/exact-json';
export { streamStatesOf } from './protocol/stream-states';
export type { StreamStateEntry } from './protocol/stream-states';
export { DEFAULT_MAX_PAYLOAD_BYTES, jsonBytes } from './protocol/json-bytes';
export {
  DEFAULT_MAX_STATE_BYTES,
  MAX_NAME_BYTES,
  MAX_TABLE_PREFIX_LENGTH,
} from './protocol/limits';

// Errors.
export {
  InvalidInputError,
  InvalidStateMessageError,
  PayloadTooLargeError,
  StaleCheckpointError,
  StateNotFoundError,
  SyncStateError,
  UnsafeIntegerError,
} from './errors';
export { SyncAlreadyRunningError } from './client/sync-workflows';

// The Temporal plugin, the source readers it registers, and the activities' JSON shapes.
export { SyncStatePlugin, SYNC_STATE_PLUGIN_NAME } from './plugin';
export type { SyncStatePluginOptions } from './plugin';
export type {
  BatchReadRequest,
  BatchReadResult,
  SourceReader,
} from './activity-bodies/source-reader';
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
} from './activity-bodies/types';
export type { ResetStreamsInput, ResetStreamsResult } from './activity-bodies/reset-streams';
// Metrics of the commit step, on the worker Runtime's meter (docs/operations.md).
export { SyncMetrics } from './metrics/sync-metrics';
export type { SyncMetricLabel, SyncMetricsOptions } from './metrics/sync-metrics';
export { COMMIT_LATENCY_BUCKETS_MS, SYNC_METRICS } from './metrics/metric-names';
export type { SyncMetricSpec } from './metrics/metric-names';
// Exactly-once commits without Temporal (the same commit step as the activities').
export { commitBatch } from './activity-bodies/commit-batch';
export { startSync } from './activity-bodies/start-sync';

// Client helpers: start and watch syncs.
export { getSyncState, startSyncWorkflow } from './client/sync-workflows';
export type { StartSyncWorkflowOptions } from './client/sync-workflows';
export { findRunningSyncs } from './client/running-syncs';
export type { FindRunningSyncsOptions, RunningSync, SyncStateOwner } from './client/running-syncs';
export { resetSyncStream } from './client/reset-stream';
export {
  registerSyncSearchAttributes,
  syncSearchAttributesRegistered,
} from './client/search-attributes';

// State operations (the CLI's, as functions): each change fences the runs of the syncs concerned.
export {
  clearState,
  copyState,
  getState,
  listStates,
  moveState,
  parseStateInput,
  rollbackState,
  setState,
} from './operations';
export type {
  ClearStateOperationOptions,
  ClearStateResult,
  CopyStateOptions,
  CopyStateResult,
  GetStateOptions,
  ListStatesFilter,
  RollbackStateOperationOptions,
  RollbackStateResult,
  SetStateResult,
  StateChangeOptions,
  StateChangeResult,
  StateDocument,
  StateListEntry,
  StateOwnerRef,
  WrittenVersion,
} from './operations';
