import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A row of `_sync_state_tables`: the stream whose records a table holds. Recorded by the first
 * commit into the table; a commit of another stream into it is refused, so that two streams (the
 * same name in two namespaces, or `a`+`bc` and `ab`+`c` under prefixes) never share rows unknowingly.
 */
export const SyncTable = defineEntity({
  name: 'SyncTable',
  tableName: '_sync_state_tables',
  properties: {
    /** The schema of the record table. */
    schemaName: p.string().primary().fieldName('schema_name').columnType('varchar'),
    /** The record table's name. */
    tableName: p.string().primary().fieldName('table_name').columnType('varchar'),
    /** The source whose stream it holds. */
    sourceName: p.string().fieldName('source_name').columnType('varchar'),
    /** The stream's namespace, `''` when it has none. */
    streamNamespace: p.string().fieldName('stream_namespace').columnType('varchar').default(''),
    /** The stream's name. */
    streamName: p.string().fieldName('stream_name').columnType('varchar'),
    /** When the first commit recorded it, from the database clock. */
    registeredAt: p
      .datetime()
      .fieldName('registered_at')
      .columnType('timestamptz')
      .defaultRaw('clock_timestamp()'),
  },
});

/** A `_sync_state_tables` row. */
export type ISyncTable = InferEntity<typeof SyncTable>;
