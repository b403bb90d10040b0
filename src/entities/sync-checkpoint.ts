import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A row of `_sync_state_checkpoints`: the last committed checkpoint of one stream of a connection. */
export const SyncCheckpoint = defineEntity({
  name: 'SyncCheckpoint',
  tableName: '_sync_state_checkpoints',
  properties: {
    /** The connection. */
    connectionId: p.string().primary().fieldName('connection_id').columnType('varchar'),
    /** The stream's namespace, `''` when it has none. */
    streamNamespace: p
      .string()
      .primary()
      .fieldName('stream_namespace')
      .columnType('varchar')
      .default(''),
    /** The stream's name, or `_GLOBAL` / `_LEGACY` for state of those kinds. */
    streamName: p.string().primary().fieldName('stream_name').columnType('varchar'),
    /** The last committed checkpoint number; commits must carry a larger one. */
    checkpoint: p.bigint('number').fieldName('checkpoint').columnType('bigint'),
    /** The epoch of the run that committed it, if it used fencing. */
    epoch: p.bigint('number').fieldName('epoch').columnType('bigint').nullable(),
    /** Records upserted by all commits of this stream so far. */
    recordsCommitted: p
      .bigint('number')
      .fieldName('records_committed')
      .columnType('bigint')
      .default(0),
    /** When the last commit happened, from the database clock. */
    committedAt: p
      .datetime()
      .fieldName('committed_at')
      .columnType('timestamptz')
      .defaultRaw('clock_timestamp()'),
  },
});

/** A `_sync_state_checkpoints` row. */
export type ISyncCheckpoint = InferEntity<typeof SyncCheckpoint>;
