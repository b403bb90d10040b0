import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { quoteIdent } from '../sql/executor';

/**
 * Adds what lets commits refuse writes that would mix or overwrite data unknowingly: which stream
 * owns each record table (two streams that map to one table, e.g. `users` of two namespaces, must
 * not share its rows), and whose state each connection syncs (a state write that does not carry
 * that connection's claim is refused while it runs). Existing rows stay; owners of tables and
 * connections from before are recorded by their next commit or claim.
 */
export function recordTablesMigration(schema: string): MigrationObject['class'] {
  const s = quoteIdent(schema);
  return class RecordTables extends Migration {
    override up(): void {
      this.addSql(`create table if not exists ${s}."_sync_state_tables" (
        schema_name varchar not null,
        table_name varchar not null,
        source_name varchar not null,
        stream_namespace varchar not null default '',
        stream_name varchar not null,
        registered_at timestamptz not null default clock_timestamp(),
        primary key (schema_name, table_name))`);
      this.addSql(`alter table ${s}."_sync_state_connections"
        add column if not exists source_name varchar null,
        add column if not exists destination_name varchar null,
        add column if not exists table_prefix varchar null`);
    }

    override down(): void {
      this.addSql(`alter table ${s}."_sync_state_connections"
        drop column if exists source_name, drop column if exists destination_name,
        drop column if exists table_prefix`);
      this.addSql(`drop table if exists ${s}."_sync_state_tables"`);
    }
  };
}
