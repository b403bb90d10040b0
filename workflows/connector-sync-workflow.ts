import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectorActivities } from '../activities/connector-activities';
import type { StreamSelection } from '../src/connectors/configured-catalog';
import type { ConnectorRef } from '../src/connectors/connector-allowlist';
import type { ConnectorDestination, SyncConnectorResult } from '../src/connectors/sync-types';
import type { JsonObject } from '../src/protocol/types';
import type { SyncProgress } from '../src/activity-bodies/types';
import { connectorProgressSignal } from './connector-progress';
import { StreamRefreshes } from './refresh-streams-update';
import { NON_RETRYABLE_ERROR_TYPES } from './state-activities';
import { SyncSession } from './sync-session';

/** Input of {@link connectorSyncWorkflow}. */
export interface ConnectorSyncInput {
  /** The connection; the workflow id derives from it (see `syncWorkflowId`). Required. */
  readonly connectionId: string;
  /**
   * The connector, one the worker allows: an allowlist entry's name (`'source-faker'`), or its
   * exact `{ executable }` or `{ dockerImage }`. Required.
   */
  readonly connector: ConnectorRef;
  /** The connector's config. Required. */
  readonly config: JsonObject;
  /** Streams to sync, by name or with options. Default: every stream the connector discovers. */
  readonly streams?: readonly (string | StreamSelection)[];
  /** Destination name, table prefix, schema and default write strategy. Default: the worker's. */
  readonly destination?: ConnectorDestination;
  /** Name under which the state is stored. Default: the allowlist entry's name (`source-faker`). */
  readonly sourceName?: string;
  /**
   * Longest silence of the worker running the connector before another worker takes over, in ms
   * or as text (`'30 seconds'`). Default: `'1 minute'`.
   */
  readonly heartbeatTimeout?: number | string;
  /** Longest run of one attempt of the connector, in ms or as text. Default: `'24 hours'`. */
  readonly startToCloseTimeout?: number | string;
  /** Attempts of the connector run, the first included. Default: 5. */
  readonly maximumAttempts?: number;
  /** Least time between two progress reports to the query, in ms. Default: 5,000. */
  readonly progressIntervalMs?: number;
  /** What a stdout line that is not an Airbyte message means. Default: `'log'`. */
  readonly nonJsonLines?: 'log' | 'error';
  /** Upsert the `Sync*` search attributes (they must be registered). Default: `false`. */
  readonly searchAttributes?: boolean;
  /** The worker's `activityNamePrefix` (of the state and connector activities). Default: `''`. */
  readonly activityNamePrefix?: string;
}

/** What {@link connectorSyncWorkflow} returns. */
export interface ConnectorSyncResult {
  /** The progress, as the query answered it last (and as `getSyncState` rebuilds it afterwards). */
  readonly progress: SyncProgress;
  /**
   * What the last connector run did: attempt, records read and committed, streams (after a
   * `refreshStreams` update, the run that read the refreshed streams again).
   */
  readonly run: Omit<SyncConnectorResult, 'checkpoints' | 'messages'>;
}

/** Connector failures no retry can fix (besides the state activities' own). */
const NON_RETRYABLE_CONNECTOR_ERRORS = [
  'ConnectorNotAllowed',
  'ConnectorNotFound',
  'ConnectorConfigError',
  'ConnectorProtocolError',
  'DestinationWriteError',
];

/**
 * Syncs an Airbyte source connector into PostgreSQL: has the worker check that it allows the
 * connector, claims the connection, runs the connector's `read` in one heartbeating activity
 * that commits the records and state at each STATE message, and answers `getSyncStateQuery` with
 * live progress (the activity reports its commits). When the worker dies, the retry restarts the
 * connector from the last commit; a failed or terminated sync started again resumes the same way.
 * Accepts `refreshStreamsUpdate`: refreshed streams are read again before the sync completes.
 */
export async function connectorSyncWorkflow(
  input: ConnectorSyncInput,
): Promise<ConnectorSyncResult> {
  const prefix = input.activityNamePrefix ?? '';
  const resolve = proxyActivities<Record<string, ConnectorActivities['resolveConnector']>>({
    startToCloseTimeout: '1 minute',
    retry: { nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, 'ConnectorNotAllowed'] },
  });
  // First, so that a connector the worker refuses changes nothing, not even the connection's owner.
  const { name } = await resolve[`${prefix}resolveConnector`]!({ connector: input.connector });
  const sourceName = input.sourceName ?? name;
  const session = await SyncSession.start({
    connectionId: input.connectionId,
    sourceName,
    destinationName: input.destination?.name,
    tablePrefix: input.destination?.tablePrefix,
    streams: input.streams?.map((s) => (typeof s === 'string' ? s : s.name)),
    searchAttributes: input.searchAttributes,
    activityNamePrefix: input.activityNamePrefix,
  });
  setHandler(connectorProgressSignal, (commits) => session.recordCommits(commits));
  const activities = proxyActivities<Record<string, ConnectorActivities['syncConnector']>>({
    startToCloseTimeout: input.startToCloseTimeout ?? '24 hours',
    heartbeatTimeout: input.heartbeatTimeout ?? '1 minute',
    retry: {
      initialInterval: '1 second',
      maximumInterval: '1 minute',
      maximumAttempts: input.maximumAttempts ?? 5,
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, ...NON_RETRYABLE_CONNECTOR_ERRORS],
    },
  });
  const syncConnector = activities[`${prefix}syncConnector`]!;
  const refreshes = StreamRefreshes.accept({
    connectionId: input.connectionId,
    streams: input.streams,
    activityNamePrefix: prefix,
  });
  const info = workflowInfo();
  const readStreams = (streams: ConnectorSyncInput['streams']) =>
    syncConnector({
      connectionId: input.connectionId,
      connector: input.connector,
      config: input.config,
      streams,
      destination: input.destination,
      sourceName,
      // One sync across retries and continue-as-new: a `replace` table keeps what it committed.
      syncId: `${info.workflowId}/${info.firstExecutionRunId}`,
      progressIntervalMs: input.progressIntervalMs ?? 5_000,
      nonJsonLines: input.nonJsonLines,
    });
  let result = await readStreams(input.streams);
  session.recordCommits(result);
  for (;;) {
    // A refresh recorded while the connector ran is read now, its streams alone (the others
    // would be read twice); one still being recorded is waited for.
    await condition(allHandlersFinished);
    const pending = refreshes.stillToRead(result.streams, input.streams);
    if (pending.length === 0) break;
    result = await readStreams(pending);
    session.recordCommits(result);
  }
  session.complete();
  const { checkpoints: _checkpoints, messages: _messages, ...run } = result;
  return { progress: session.progress(), run };
}
