import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A row of `_sync_state_connections`: the run that owns a connection, and its fencing epoch. */
export const SyncConnection = defineEntity({
  name: 'SyncConnection',
  tableName: '_sync_state_connections',
  properties: {
    /** The connection (one sync pipeline), e.g. the id its workflow id derives from. */
    connectionId: p.string().primary().fieldName('connection_id').columnType('varchar'),
    /** Raised by each new run; commits carrying an older epoch are refused. */
    epoch: p.bigint('number').fieldName('epoch').columnType('bigint'),
    /** Who claimed it last, e.g. a workflow run id. */
    owner: p.string().fieldName('owner').columnType('varchar'),
    /** When it was claimed, from the database clock. */
    claimedAt: p
      .datetime()
      .fieldName('claimed_at')
      .columnType('timestamptz')
      .defaultRaw('clock_timestamp()'),
    /** The source whose state the run syncs (set by each claim; `null` before migration 0004). */
    sourceName: p.string().fieldName('source_name').columnType('varchar').nullable(),
    /** Its destination name, `''` for the cache state table. */
    destinationName: p.string().fieldName('destination_name').columnType('varchar').nullable(),
    /** Its table prefix. */
    tablePrefix: p.string().fieldName('table_prefix').columnType('varchar').nullable(),
  },
});

/** A `_sync_state_connections` row. */
export type ISyncConnection = InferEntity<typeof SyncConnection>;
