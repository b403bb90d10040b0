/**
 * temporal-sync-state: durable Airbyte-style sync state for Temporal workflows, on PostgreSQL,
 * sharing PyAirbyte's SQL state tables.
 */
export * from './protocol';
export * from './errors';
export {
  CacheStreamState,
  DestinationStreamState,
  SyncCheckpoint,
  SyncConnection,
  syncStateEntities,
} from './entities';
export type {
  ICacheStreamState,
  IDestinationStreamState,
  ISyncCheckpoint,
  ISyncConnection,
} from './entities';
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
export { MIGRATIONS_TABLE, runMigrations } from './backend/migrations/run-migrations';
export { SyncStatePlugin, SYNC_STATE_PLUGIN_NAME } from './plugin';
export type { SyncStatePluginOptions } from './plugin';
export { commitBatch } from './activity-bodies/commit-batch';
export { startSync } from './activity-bodies/start-sync';
export { getStateSnapshot } from './activity-bodies/state-snapshot';
export type * from './activity-bodies/types';
export { getSyncState, startSyncWorkflow, SyncAlreadyRunningError } from './client/sync-workflows';
export type { StartSyncWorkflowOptions } from './client/sync-workflows';
export { readSyncProgress } from './client/read-progress';
export {
  registerSyncSearchAttributes,
  syncSearchAttributesRegistered,
} from './client/search-attributes';
export { DEFAULT_AUTHOR, DEFAULT_HISTORY_RETENTION } from './backend/state-history';
export { historyPruneInterval } from './backend/prune-schedule';
export type {
  AuthorOptions,
  ClearStateOptions,
  RollbackStateOptions,
  StateHistoryEntry,
  StateHistoryOptions,
  StateOperation,
} from './backend/state-history';
export type { ClearedStreamState } from './backend/clear-states';
export * from './operations';
export { findRunningSyncs } from './client/running-syncs';
export type { FindRunningSyncsOptions, RunningSync, SyncStateOwner } from './client/running-syncs';
export { resetSyncStream } from './client/reset-stream';
export type { ResetStreamsInput, ResetStreamsResult } from './activity-bodies/reset-streams';
export * from './connectors';
