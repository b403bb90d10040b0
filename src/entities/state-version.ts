import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A row of `_sync_state_history`: one version of the state of one stream, appended by every
 * write (and by a clear, with no state) in the same statement as the write.
 */
export const StateVersion = defineEntity({
  name: 'StateVersion',
  tableName: '_sync_state_history',
  indexes: [
    {
      name: '_sync_state_history_stream_index',
      properties: [
        'sourceName',
        'destinationName',
        'tablePrefix',
        'streamNamespace',
        'streamName',
        'version',
      ],
    },
  ],
  properties: {
    /** The version number: increasing across all streams, in the order writes happened. */
    version: p.bigint('number').primary().autoincrement().fieldName('version'),
    /** The source name. */
    sourceName: p.string().fieldName('source_name').columnType('varchar'),
    /** The destination name, `''` for the cache state table (`_airbyte_state`). */
    destinationName: p.string().fieldName('destination_name').columnType('varchar').default(''),
    /** The table prefix of the state row. */
    tablePrefix: p.string().fieldName('table_prefix').columnType('varchar').default(''),
    /** The stream's namespace, `''` when it has none. */
    streamNamespace: p.string().fieldName('stream_namespace').columnType('varchar').default(''),
    /** The stream name, or `_GLOBAL` / `_LEGACY`. */
    streamName: p.string().fieldName('stream_name').columnType('varchar'),
    /** The whole state message as JSON text; `null` when this version is a clear. */
    stateJson: p.string().fieldName('state_json').columnType('varchar').nullable(),
    /** What wrote it: `write`, `commit`, `set`, `rollback`, `copy`, `move` or `clear`. */
    operation: p.string().fieldName('operation').columnType('varchar'),
    /** Who wrote it: `activity:<type>`, `cli`, `library`, or what the caller gave. */
    author: p.string().fieldName('author').columnType('varchar'),
    /** The workflow whose activity wrote it. */
    workflowId: p.string().fieldName('workflow_id').columnType('varchar').nullable(),
    /** The run of that workflow. */
    runId: p.string().fieldName('run_id').columnType('varchar').nullable(),
    /** The attempt of the activity that wrote it (1 for the first). */
    activityAttempt: p.integer().fieldName('activity_attempt').columnType('int').nullable(),
    /** The connection whose commit wrote it. */
    connectionId: p.string().fieldName('connection_id').columnType('varchar').nullable(),
    /** The checkpoint of the commit that wrote it. */
    checkpoint: p.bigint('number').fieldName('checkpoint').columnType('bigint').nullable(),
    /** Why, e.g. `rollback to version 12`, or that `--force` overrode a running sync. */
    note: p.string().fieldName('note').columnType('varchar').nullable(),
    /** When it was written, from the database clock. */
    writtenAt: p
      .datetime()
      .fieldName('written_at')
      .columnType('timestamptz')
      .defaultRaw('clock_timestamp()'),
  },
});

/** A `_sync_state_history` row. */
export type IStateVersion = InferEntity<typeof StateVersion>;
