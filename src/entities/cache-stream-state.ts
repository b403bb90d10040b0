import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A row of `_airbyte_state`, the state of PyAirbyte's local cache: same table and columns as
 * PyAirbyte's `CacheStreamStateModel`. Our primary key adds `source_name` and
 * `stream_namespace` to PyAirbyte's `table_name`, so that two sources or two namespaces with the
 * same stream name never overwrite each other.
 */
export const CacheStreamState = defineEntity({
  name: 'CacheStreamState',
  tableName: '_airbyte_state',
  properties: {
    /** The source (connector) name. */
    sourceName: p.string().primary().fieldName('source_name').columnType('varchar'),
    /** The stream's namespace, `''` when it has none. Added by temporal-sync-state. */
    streamNamespace: p
      .string()
      .primary()
      .fieldName('stream_namespace')
      .columnType('varchar')
      .default(''),
    /** `table_prefix + stream_name`, as PyAirbyte names its cache tables. */
    tableName: p.string().primary().fieldName('table_name').columnType('varchar'),
    /** The stream name, or `_GLOBAL` / `_LEGACY`. */
    streamName: p.string().fieldName('stream_name').columnType('varchar').nullable(),
    /** The whole state message as JSON text. */
    stateJson: p.string().fieldName('state_json').columnType('varchar').nullable(),
    /** When the row was written, from the database clock. */
    lastUpdated: p
      .datetime()
      .fieldName('last_updated')
      .columnType('timestamptz')
      .nullable()
      .defaultRaw('clock_timestamp()'),
  },
});

/** An `_airbyte_state` row as MikroORM returns it. */
export type ICacheStreamState = InferEntity<typeof CacheStreamState>;
