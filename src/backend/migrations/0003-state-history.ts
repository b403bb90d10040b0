import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { quoteIdent } from '../sql/executor';

/**
 * Adds the state history: one row per version of a stream's state, appended by every write in
 * the same statement as the write, so that any state can be audited and rolled back.
 */
export function stateHistoryMigration(schema: string): MigrationObject['class'] {
  const s = quoteIdent(schema);
  return class StateHistory extends Migration {
    override up(): void {
      this.addSql(`create table if not exists ${s}."_sync_state_history" (
        version bigserial primary key,
        source_name varchar not null,
        destination_name varchar not null default '',
        table_prefix varchar not null default '',
        stream_namespace varchar not null default '',
        stream_name varchar not null,
        state_json varchar null,
        operation varchar not null,
        author varchar not null,
        workflow_id varchar null,
        run_id varchar null,
        activity_attempt int null,
        connection_id varchar null,
        checkpoint bigint null,
        note varchar null,
        written_at timestamptz not null default clock_timestamp())`);
      // Every read and every prune is "the versions of one stream, newest first".
      this
        .addSql(`create index if not exists "_sync_state_history_stream_index" on ${s}."_sync_state_history"
        (source_name, destination_name, table_prefix, stream_namespace, stream_name, version)`);
    }

    override down(): void {
      this.addSql(`drop table if exists ${s}."_sync_state_history"`);
    }
  };
}
