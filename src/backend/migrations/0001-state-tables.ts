import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { quoteIdent } from '../sql/executor';

/**
 * Creates PyAirbyte's two state tables, or adopts them in place when PyAirbyte created them
 * first: every existing row is kept, and PyAirbyte's own writes (delete by its key, then insert
 * of its columns) keep working, because every added column has a default and our wider primary
 * key contains PyAirbyte's.
 */
export function stateTablesMigration(schema: string): MigrationObject['class'] {
  const s = quoteIdent(schema);
  const cache = `${s}."_airbyte_state"`;
  const destination = `${s}."_airbyte_destination_state"`;
  return class StateTables extends Migration {
    override up(): void {
      // `create schema if not exists` needs CREATE on the database even when the schema exists; a
      // worker role with only USAGE and CREATE on its schema must still migrate.
      const literal = schema.replaceAll("'", "''");
      this.addSql(`do $$ begin
        if not exists (select 1 from pg_namespace where nspname = '${literal}') then create schema ${s}; end if;
      end $$`);
      // PyAirbyte's shapes first, so that the fresh and the adopted table take the same path.
      this.addSql(`create table if not exists ${cache} (
        source_name varchar, stream_name varchar, table_name varchar primary key,
        state_json varchar, last_updated timestamptz)`);
      this.addSql(`create table if not exists ${destination} (
        destination_name varchar not null, source_name varchar not null, stream_name varchar not null,
        state_json varchar, last_updated timestamptz,
        primary key (destination_name, source_name, stream_name))`);

      this.addSql(
        `alter table ${cache} add column if not exists stream_namespace varchar not null default ''`,
      );
      // A primary key column cannot hold NULL; PyAirbyte always sets it, so this is defensive.
      this.addSql(`update ${cache} set source_name = '' where source_name is null`);
      this.addSql(`alter table ${cache} alter column source_name set not null`);
      this.addSql(`alter table ${cache} alter column last_updated set default clock_timestamp()`);
      this.addSql(
        replacePrimaryKey(cache, '_airbyte_state_pkey', [
          'source_name',
          'stream_namespace',
          'table_name',
        ]),
      );

      this.addSql(
        `alter table ${destination} add column if not exists table_prefix varchar not null default ''`,
      );
      this.addSql(
        `alter table ${destination} add column if not exists stream_namespace varchar not null default ''`,
      );
      this.addSql(
        `alter table ${destination} alter column last_updated set default clock_timestamp()`,
      );
      this.addSql(
        replacePrimaryKey(destination, '_airbyte_destination_state_pkey', [
          'destination_name',
          'source_name',
          'table_prefix',
          'stream_namespace',
          'stream_name',
        ]),
      );
    }

    override down(): void {
      // Narrowing the key back could merge rows of different sources: refuse rather than lose state.
      throw new Error('The state tables migration cannot be reverted without losing state.');
    }
  };
}

/** Drops whatever primary key the table has (its name is PyAirbyte's choice) and adds ours. */
function replacePrimaryKey(table: string, name: string, columns: readonly string[]): string {
  const literal = table.replaceAll("'", "''");
  return `do $$
    declare existing text;
    begin
      select conname into existing from pg_constraint where conrelid = '${literal}'::regclass and contype = 'p';
      if existing is not null then
        execute format('alter table ${table.replaceAll("'", "''")} drop constraint %I', existing);
      end if;
      alter table ${table} add constraint ${quoteIdent(name)} primary key (${columns.join(', ')});
    end $$`;
}
