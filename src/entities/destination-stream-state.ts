import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A row of `_airbyte_destination_state`, the state a destination acknowledged: same table and
 * columns as PyAirbyte's `DestinationStreamStateModel`. Our primary key adds `table_prefix` and
 * `stream_namespace`, so that every provider option works with a destination too.
 */
export const DestinationStreamState = defineEntity({
  name: 'DestinationStreamState',
  tableName: '_airbyte_destination_state',
  properties: {
    /** The destination name. */
    destinationName: p.string().primary().fieldName('destination_name').columnType('varchar'),
    /** The source name. */
    sourceName: p.string().primary().fieldName('source_name').columnType('varchar'),
    /** The table prefix of the writer, `''` for none. Added by temporal-sync-state. */
    tablePrefix: p.string().primary().fieldName('table_prefix').columnType('varchar').default(''),
    /** The stream's namespace, `''` when it has none. Added by temporal-sync-state. */
    streamNamespace: p
      .string()
      .primary()
      .fieldName('stream_namespace')
      .columnType('varchar')
      .default(''),
    /** The stream name, or `_GLOBAL` / `_LEGACY`. */
    streamName: p.string().primary().fieldName('stream_name').columnType('varchar'),
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

/** An `_airbyte_destination_state` row as MikroORM returns it. */
export type IDestinationStreamState = InferEntity<typeof DestinationStreamState>;
