import {
  ActivityFailure,
  ApplicationFailure,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { ConnectorActivities } from '../activities/connector-activities';
import type { StreamSelection } from '../src/connectors/configured-catalog';
import type {
  RefreshedStream,
  RefreshStreamsInput,
  RefreshStreamsResult,
} from '../src/connectors/refresh-streams';
import type { ConnectorStreamRun } from '../src/connectors/sync-types';
import { NON_RETRYABLE_ERROR_TYPES } from './state-activities';

/** Update name of "refresh streams" on `connectorSyncWorkflow`; callable from any SDK by this name. */
export const REFRESH_STREAMS_UPDATE_NAME = 'temporal-sync-state.refreshStreams';

/** What to refresh: streams of the running sync, and how. */
export type RefreshStreamsRequest = Omit<RefreshStreamsInput, 'connectionId'>;

/**
 * Refreshes streams of a running connector sync (Airbyte's "refresh and remove / retain"), as
 * `refreshStreams` and `sync refresh` do; completes once the refresh is recorded, and the sync
 * reads those streams again from scratch before it completes.
 */
export const refreshStreamsUpdate = defineUpdate<RefreshStreamsResult, [RefreshStreamsRequest]>(
  REFRESH_STREAMS_UPDATE_NAME,
);

/**
 * The `refreshStreams` updates of a connector sync. Each is recorded at once (an activity, the
 * same library call as the CLI); the running connector attempt goes on with the generations it
 * started with (a retry would start the refresh itself), and {@link stillToRead} tells the
 * workflow which streams no finished run has read in their new generation yet.
 */
export class StreamRefreshes {
  private readonly requested: RefreshedStream[] = [];

  private constructor() {}

  /** Registers the update handler; `streams` are the sync's selection (absent: every stream). */
  static accept(options: {
    readonly connectionId: string;
    readonly streams: readonly (string | StreamSelection)[] | undefined;
    readonly activityNamePrefix: string;
  }): StreamRefreshes {
    const refreshes = new StreamRefreshes();
    const activities = proxyActivities<Record<string, ConnectorActivities['refreshStreams']>>({
      startToCloseTimeout: '1 minute',
      retry: { nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
    });
    const record = activities[`${options.activityNamePrefix}refreshStreams`]!;
    setHandler(
      refreshStreamsUpdate,
      async (request) => {
        try {
          const result = await record({ ...request, connectionId: options.connectionId });
          refreshes.requested.push(...result.streams);
          return result;
        } catch (error) {
          // The activity's own failure (e.g. InvalidInput: a stream the connection never synced).
          throw error instanceof ActivityFailure && error.cause instanceof ApplicationFailure
            ? error.cause
            : error;
        }
      },
      { validator: (request: RefreshStreamsRequest) => validate(request, options.streams) },
    );
    return refreshes;
  }

  /**
   * Forgets the refreshes that `run` (a finished connector run) read in their new generation, and
   * returns the sync's selections of the streams still to read again.
   */
  stillToRead(
    run: readonly ConnectorStreamRun[],
    streams: readonly (string | StreamSelection)[] | undefined,
  ): (string | StreamSelection)[] {
    const done = (refresh: RefreshedStream) =>
      run.some(
        (s) =>
          s.name === refresh.name &&
          s.namespace === refresh.namespace &&
          s.generationId >= refresh.generationId,
      );
    this.requested.splice(0, this.requested.length, ...this.requested.filter((r) => !done(r)));
    const names = [...new Set(this.requested.map((r) => r.name))];
    return names.map(
      (name) => streams?.find((s) => (typeof s === 'string' ? s : s.name) === name) ?? name,
    );
  }
}

/** Rejects a bad request before it is accepted (nothing recorded, nothing in the history). */
function validate(
  request: RefreshStreamsRequest,
  selected: readonly (string | StreamSelection)[] | undefined,
): void {
  const invalid = (what: string, expected: string, got: unknown) =>
    ApplicationFailure.create({
      type: 'InvalidInput',
      nonRetryable: true,
      message: `Invalid ${what}: expected ${expected}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}.`,
    });
  if (request?.mode !== 'remove' && request?.mode !== 'retain')
    throw invalid('mode', '"remove" or "retain"', request?.mode);
  const streams: unknown = request.streams;
  if (!Array.isArray(streams) || streams.length === 0)
    throw invalid('streams', 'a non-empty array of stream names or { name, namespace }', streams);
  const names = selected?.map((s) => (typeof s === 'string' ? s : s.name));
  for (const [i, stream] of (streams as unknown[]).entries()) {
    const name = typeof stream === 'string' ? stream : (stream as { name?: unknown })?.name;
    if (typeof name !== 'string' || name === '')
      throw invalid(`streams[${i}]`, 'a stream name or { name, namespace }', stream);
    if (names && !names.includes(name))
      throw invalid(`streams[${i}]`, `a stream this sync reads (${names.join(', ')})`, name);
  }
}
