import { checkConnectionId, checkObject, checkStream } from '../activity-bodies/check-input';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { type RefreshMode, requestRefresh } from '../backend/stream-generations';
import { describeValue, InvalidInputError } from '../errors';

/** The refresh modes: `remove` deletes the older generations' rows once the new read completes, `retain` keeps them. */
export const REFRESH_MODES: readonly RefreshMode[] = ['remove', 'retain'];

/** Input of {@link refreshStreams}. */
export interface RefreshStreamsInput {
  /** The connection whose streams to refresh. Required. */
  readonly connectionId: string;
  /** The streams, by name or `{ name, namespace }` (namespace absent or null: none). Required. */
  readonly streams: readonly (
    string | { readonly name: string; readonly namespace?: string | null }
  )[];
  /**
   * `remove`: the stream's table keeps its rows until the new read completes, then holds only
   * the new generation; `retain`: the new read's rows join the old ones. Required.
   */
  readonly mode: RefreshMode;
}

/** One refreshed stream, as the request left it. */
export interface RefreshedStream {
  readonly name: string;
  readonly namespace: string | null;
  /** The generation the refresh reads into. */
  readonly generationId: number;
  /** The lowest generation the table keeps once the refresh completes (0: all). */
  readonly minimumGenerationId: number;
  readonly mode: RefreshMode;
}

/** What {@link refreshStreams} returns. */
export interface RefreshStreamsResult {
  readonly connectionId: string;
  readonly streams: readonly RefreshedStream[];
}

/**
 * Requests a refresh of streams of a connection (Airbyte's "refresh and remove / retain"): each
 * stream's generation goes up by one, and the next attempt of a sync of the connection clears
 * the stream's state (recorded in the history, so it can be rolled back) and reads it from
 * scratch, writing the new generation; a `remove` refresh writes into a staging table that
 * replaces the stream's rows, in one transaction, only once the read completes. A sync that is
 * running applies it when its next attempt starts. Throws `InvalidInputError` for bad input or a stream the connection does not sync.
 */
export async function refreshStreams(
  backend: SqlStateBackend,
  input: unknown,
): Promise<RefreshStreamsResult> {
  const value = checkObject('input', input);
  const connectionId = checkConnectionId(value.connectionId);
  const mode = value.mode;
  if (mode !== 'remove' && mode !== 'retain')
    throw new InvalidInputError('mode', '"remove" or "retain"', describeValue(mode));
  if (!Array.isArray(value.streams) || value.streams.length === 0)
    throw new InvalidInputError(
      'streams',
      'a non-empty array of stream names or { name, namespace }',
      describeValue(value.streams),
    );
  const streams = value.streams.map((item: unknown, i) => checkStream(`streams[${i}]`, item));
  const rows = await requestRefresh(backend, connectionId, streams, mode);
  return {
    connectionId,
    streams: rows.map((row) => ({
      name: row.streamName,
      namespace: row.namespace === '' ? null : row.namespace,
      generationId: row.generationId,
      minimumGenerationId: row.minimumGenerationId,
      mode,
    })),
  };
}
