import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { quoteIdent } from '../sql/executor';

/**
 * Adds the generations of a connection's streams (Airbyte protocol 0.9): the current generation of
 * each stream's records, the lowest generation its table keeps, a refresh requested or running,
 * and the last sync that read the stream (with its number, the protocol's `sync_id`). Existing
 * streams get a row on their next sync, at generation 0.
 */
export function streamGenerationsMigration(schema: string): MigrationObject['class'] {
  const s = quoteIdent(schema);
  return class StreamGenerations extends Migration {
    override up(): void {
      this.addSql(`create table if not exists ${s}."_sync_state_generations" (
        connection_id varchar not null,
        stream_namespace varchar not null default '',
        stream_name varchar not null,
        generation_id bigint not null default 0,
        minimum_generation_id bigint not null default 0,
        refresh varchar null check (refresh in ('remove', 'retain')),
        refresh_sync_id varchar null,
        sync_id varchar null,
        sync_number bigint not null default 0,
        updated_at timestamptz not null default clock_timestamp(),
        primary key (connection_id, stream_namespace, stream_name))`);
    }

    override down(): void {
      this.addSql(`drop table if exists ${s}."_sync_state_generations"`);
    }
  };
}
