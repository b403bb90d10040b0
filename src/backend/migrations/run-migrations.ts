import type { MigrationsOptions, MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { syncStateMigrations } from './index';

/** Name of the table, in the state tables' schema, that records which migrations ran. */
export const MIGRATIONS_TABLE = '_sync_state_migrations';

/**
 * Brings the state tables in `schema` up to date and returns the names of the migrations it
 * ran. Safe when several workers start at once: an advisory lock per schema serializes them,
 * and all migrations run in one transaction. Works on any MikroORM instance, including one the
 * user configured with migrations of their own: ours never touch their migrations settings.
 */
export async function runMigrations(orm: MikroORM, schema: string): Promise<string[]> {
  const em = orm.em.fork() as EntityManager;
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [
      `temporal-sync-state:${schema}`,
    ]);
    const migrator = new Migrator(withOwnMigrationsOptions(tx, schema));
    // MikroORM types a transaction as `any`; it is the knex transaction of `tx`.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
    const ran = await migrator.up({ transaction: tx.getTransactionContext() });
    return ran.map((migration) => migration.name);
  });
}

/**
 * MikroORM's Migrator reads its options from the EntityManager's config. We hand it a view of
 * the config whose `migrations` entry is ours, so that a user's own MikroORM config (and its
 * migrations) is neither needed nor changed.
 */
function withOwnMigrationsOptions(em: EntityManager, schema: string): EntityManager {
  const config = em.config;
  const options: MigrationsOptions = {
    ...config.get('migrations'),
    tableName: `${schema}.${MIGRATIONS_TABLE}`,
    migrationsList: syncStateMigrations(schema),
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    silent: true,
    // MikroORM would otherwise set session_replication_role, which needs a superuser.
    disableForeignKeys: false,
  };
  const view = new Proxy(config, {
    get(target, prop) {
      if (prop === 'get') {
        return (key: string, fallback?: unknown) =>
          key === 'migrations'
            ? options
            : (target.get as (k: string, f?: unknown) => unknown)(key, fallback);
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return new Proxy(em, {
    get(target, prop) {
      if (prop === 'config') return view;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
