import type { MigrationObject } from '@mikro-orm/core';
import { stateTablesMigration } from './0001-state-tables';
import { syncCheckpointsMigration } from './0002-sync-checkpoints';
import { stateHistoryMigration } from './0003-state-history';
import { recordTablesMigration } from './0004-record-tables';
import { streamGenerationsMigration } from './0005-stream-generations';

/**
 * The shipped migrations, in order, for the state tables in `schema`. Names are stored in the
 * schema's `_sync_state_migrations` table; never rename one that has shipped.
 */
export function syncStateMigrations(schema: string): MigrationObject[] {
  return [
    { name: '0001-state-tables', class: stateTablesMigration(schema) },
    { name: '0002-sync-checkpoints', class: syncCheckpointsMigration(schema) },
    { name: '0003-state-history', class: stateHistoryMigration(schema) },
    { name: '0004-record-tables', class: recordTablesMigration(schema) },
    { name: '0005-stream-generations', class: streamGenerationsMigration(schema) },
  ];
}
