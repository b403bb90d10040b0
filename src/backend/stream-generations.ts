import { InvalidInputError } from '../errors';
import { GLOBAL_STATE_STREAM_NAMES } from '../protocol/types';
import type { SqlStateBackend } from './sql-state-backend';
import { selectCheckpoints } from './sql/stream-checkpoints';
import {
  type RefreshMode,
  requestStreamRefresh,
  selectStreamGenerations,
  type StreamGenerationRow,
} from './sql/stream-generations';

export type { RefreshMode, StreamGenerationRow } from './sql/stream-generations';

/** The generation rows of a connection's streams (streams never synced since generations exist are absent). */
export async function readStreamGenerations(
  backend: SqlStateBackend,
  connectionId: string,
): Promise<StreamGenerationRow[]> {
  await backend.migrate();
  return selectStreamGenerations(backend.fork(), backend.tables, connectionId);
}

/**
 * Requests a refresh of streams of a connection, in one transaction: each stream's generation
 * goes up by one and the next attempt of a sync of the connection reads it from scratch (its
 * state cleared then, recorded in the history). Streams must be known to the connection (it
 * committed them, or has a generation for them), else `InvalidInputError` lists those it knows.
 */
export async function requestRefresh(
  backend: SqlStateBackend,
  connectionId: string,
  streams: readonly { readonly name: string; readonly namespace: string }[],
  mode: RefreshMode,
): Promise<StreamGenerationRow[]> {
  await backend.migrate();
  return backend.fork().transactional(async (em) => {
    const known = new Map<string, { name: string; namespace: string }>();
    for (const row of await selectStreamGenerations(em, backend.tables, connectionId, true))
      known.set(JSON.stringify([row.namespace, row.streamName]), {
        name: row.streamName,
        namespace: row.namespace,
      });
    for (const row of await selectCheckpoints(em, backend.tables, connectionId))
      if (!GLOBAL_STATE_STREAM_NAMES.includes(row.stream_name))
        known.set(JSON.stringify([row.stream_namespace, row.stream_name]), {
          name: row.stream_name,
          namespace: row.stream_namespace,
        });
    for (const [i, stream] of streams.entries()) {
      if (!known.has(JSON.stringify([stream.namespace, stream.name])))
        throw new InvalidInputError(
          `streams[${i}]`,
          `a stream that connection "${connectionId}" syncs (${
            [...known.values()]
              .map((s) => (s.namespace ? `${s.namespace}.${s.name}` : s.name))
              .sort()
              .join(', ') || 'none yet: a first sync reads every stream from scratch anyway'
          })`,
          JSON.stringify(stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name),
        );
    }
    return requestStreamRefresh(em, backend.tables, connectionId, streams, mode);
  });
}
