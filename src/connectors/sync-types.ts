/**
 * The JSON shapes of a connector sync that cross the activity boundary. Type-only, so that
 * workflow code can use them.
 */
import type { AirbyteStateMessage, JsonObject } from '../protocol/types';
import type { CheckpointEntry } from '../activity-bodies/types';
import type { StreamSelection } from './configured-catalog';
import type { ConnectorRef } from './connector-allowlist';
import type { ConnectorSpec } from './connector-spec';
import type { WriteMethod, WriteStrategy } from './write-strategy';

/** Where a connector's records and state go. */
export interface ConnectorDestination {
  /** Destination name of the state rows; absent: the cache state table (PyAirbyte's). Default: absent. */
  readonly name?: string;
  /** Prefix of the tables and of the state rows' `table_name`. Default: the backend's. */
  readonly tablePrefix?: string;
  /** PostgreSQL schema of the tables (created if missing). Default: the backend's schema. */
  readonly schema?: string;
  /** Write strategy of streams that name none. Default: `'auto'` (PyAirbyte's choice per stream). */
  readonly writeStrategy?: WriteStrategy;
}

/** Input of the `syncConnector` function (trusted code: it runs any connector it is given). */
export interface SyncConnectorInput {
  /** The connection; the calling workflow run must have claimed it (`startSync`). Required. */
  readonly connectionId: string;
  /** The connector to run. Required. */
  readonly connector: ConnectorSpec;
  /** The connector's config (its `--config` file). Required. */
  readonly config: JsonObject;
  /** Streams to sync, by name or with options. Default: every stream the connector discovers. */
  readonly streams?: readonly (string | StreamSelection)[];
  readonly destination?: ConnectorDestination;
  /** Name under which the state is stored. Default: the connector's name (e.g. `source-faker`). */
  readonly sourceName?: string;
  /**
   * The sync these commits belong to; a `replace` table drops the rows of other syncs. Stable
   * across retries and continue-as-new. Default: `<workflow id>/<run id>`.
   */
  readonly syncId?: string;
  /** Send the commits to the calling workflow as a progress signal at most this often, in ms. Default: never. */
  readonly progressIntervalMs?: number;
  /** What a stdout line that is not an Airbyte message means: `'log'` or `'error'`. Default: `'log'`. */
  readonly nonJsonLines?: 'log' | 'error';
  /** Records held in memory between two STATE messages before they are written ahead (uncommitted). Default: 10,000. */
  readonly maxBufferedRecords?: number;
}

/** Input of the `syncConnector` activity: the connector is only named, and must be on the worker's allowlist. */
export interface SyncConnectorActivityInput extends Omit<SyncConnectorInput, 'connector'> {
  /** An allowlist entry's name, or its exact executable or image. Required. */
  readonly connector: ConnectorRef;
}

/** Commits made by a connector sync: the new checkpoints and state, in the session's shapes. */
export interface ConnectorCommits {
  /** The fencing epoch of the attempt that committed them. */
  readonly epoch: number;
  /** Checkpoint rows as they are after the commits (only those that changed, in a progress signal). */
  readonly checkpoints: readonly CheckpointEntry[];
  /** State messages committed (each replacing the earlier one of its stream). */
  readonly messages: readonly AirbyteStateMessage[];
}

/** What one stream did in a run. */
export interface ConnectorStreamRun {
  readonly name: string;
  readonly namespace: string | null;
  readonly syncMode: 'incremental' | 'full_refresh';
  readonly writeMethod: WriteMethod;
  /** The table, quoted and schema-qualified. */
  readonly table: string;
  /** Records the connector sent in this run (committed or not). */
  readonly recordsRead: number;
  /** The generation of the records this run wrote (Airbyte's `_airbyte_generation_id`). */
  readonly generationId: number;
  /** Whether the connector was given the stream's stored state (else it read from the start). */
  readonly resumed: boolean;
}

/** What the `syncConnector` activity returns: every checkpoint and state message of the connection afterwards, and the run's numbers. */
export interface SyncConnectorResult extends ConnectorCommits {
  /** The connector's name. */
  readonly connector: string;
  readonly sourceName: string;
  /** The activity attempt that ran to the end. */
  readonly attempt: number;
  /** STATE commits made by this attempt. */
  readonly commits: number;
  readonly recordsRead: number;
  /** Rows written by this attempt's commits. */
  readonly recordsCommitted: number;
  /**
   * STATE messages whose `sourceStats.recordCount` was checked against the records that arrived
   * (`verified`; a mismatch fails the sync), and those that carried no count (`unverified`).
   */
  readonly recordCounts: { readonly verified: number; readonly unverified: number };
  /** Streams (and `_GLOBAL`) whose stored state the connector was started from. */
  readonly startedFromState: readonly string[];
  /** Streams whose refresh this run completed (swapped in, or ended). */
  readonly refreshesCompleted: readonly string[];
  readonly streams: readonly ConnectorStreamRun[];
}
