/**
 * temporal-sync-state: durable Airbyte-style sync state for Temporal workflows, on PostgreSQL,
 * sharing PyAirbyte's SQL state tables.
 */
export * from './protocol';
export * from './errors';
export { CacheStreamState, DestinationStreamState, syncStateEntities } from './entities';
export type { ICacheStreamState, IDestinationStreamState } from './entities';
export { SqlStateBackend } from './backend/sql-state-backend';
export { SqlStateWriter } from './backend/sql-state-writer';
export type { WriteOptions } from './backend/sql-state-writer';
export { StateProvider, StaticInputState } from './backend/state-provider';
export type { StreamRef } from './backend/state-provider';
export { JoinedStateProvider } from './backend/joined-state-provider';
export { DEFAULT_SCHEMA } from './backend/options';
export type { ConnectOptions, SqlStateBackendOptions, StateProviderOptions, StateWriterOptions } from './backend/options';
export type { SqlExecutor } from './backend/sql/executor';
export { MIGRATIONS_TABLE, runMigrations } from './backend/migrations/run-migrations';
