import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { quoteIdent } from '../sql/executor';

/**
 * Adds the tables behind exactly-once commits: which run owns each connection (its fencing
 * epoch), and the last committed checkpoint of each stream of a connection.
 */
export function syncCheckpointsMigration(schema: string): MigrationObject['class'] {
  const s = quoteIdent(schema);
  return class SyncCheckpoints extends Migration {
    override up(): void {
      this.addSql(`create table if not exists ${s}."_sync_state_connections" (
        connection_id varchar primary key,
        epoch bigint not null,
        owner varchar not null,
        claimed_at timestamptz not null default clock_timestamp())`);
      this.addSql(`create table if not exists ${s}."_sync_state_checkpoints" (
        connection_id varchar not null,
        stream_namespace varchar not null default '',
        stream_name varchar not null,
        checkpoint bigint not null,
        epoch bigint,
        records_committed bigint not null default 0,
        committed_at timestamptz not null default clock_timestamp(),
        primary key (connection_id, stream_namespace, stream_name))`);
    }

    override down(): void {
      this.addSql(`drop table if exists ${s}."_sync_state_checkpoints"`);
      this.addSql(`drop table if exists ${s}."_sync_state_connections"`);
    }
  };
}
