/**
 * `discover` and the checks of a configured catalog. The catalog is what a platform stores and
 * hands back on `read`, so it is validated strictly: a wrong sync mode or cursor would
 * otherwise read different data from what the user chose.
 */
import { describeValue, InvalidInputError } from '../../src/errors';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, SyncMode } from './protocol-messages';
import {
  expectStreamName,
  SAMPLE_STREAM_NAMES,
  SAMPLE_STREAMS,
  type SampleStreamName,
} from './streams';
import { expectObject } from './validate';

/** The cursor field of every stream. */
export const CURSOR_FIELD = 'updated_at';

/** The catalog of the sample source: its three streams, incremental by `updated_at`, keyed by `id`. */
export function discover(): AirbyteCatalog {
  return {
    streams: SAMPLE_STREAM_NAMES.map((name) => ({
      name,
      json_schema: SAMPLE_STREAMS[name].schema,
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: [CURSOR_FIELD],
      source_defined_primary_key: [['id']],
    })),
  };
}

/** A configured catalog built from {@link discover}, every stream in `syncMode`: handy for tests and demos. */
export function configuredCatalog(
  syncMode: SyncMode = 'incremental',
  streams: readonly SampleStreamName[] = SAMPLE_STREAM_NAMES,
): ConfiguredAirbyteCatalog {
  return {
    streams: discover()
      .streams.filter((stream) => (streams as readonly string[]).includes(stream.name))
      .map((stream) => ({
        stream,
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        cursor_field: [CURSOR_FIELD],
        primary_key: [['id']],
      })),
  };
}

/** One stream to read, as {@link selectedStreams} returns it. */
export interface SelectedStream {
  readonly name: SampleStreamName;
  readonly syncMode: SyncMode;
}

/**
 * The streams a configured catalog asks for, in its order, with their sync modes. Throws
 * {@link InvalidInputError} for an unknown stream, a stream listed twice, an unsupported
 * sync mode, or a cursor field other than `updated_at`.
 */
export function selectedStreams(catalog: unknown): SelectedStream[] {
  const streams = expectObject(
    catalog,
    'catalog',
    'a configured catalog (a JSON object with streams)',
  ).streams;
  if (!Array.isArray(streams))
    throw new InvalidInputError('catalog.streams', 'an array', describeValue(streams));
  const seen = new Set<string>();
  return streams.map((item: unknown, i) => {
    const path = `catalog.streams[${i}]`;
    const configured = expectObject(item, path);
    const name = expectStreamName(
      expectObject(configured.stream, `${path}.stream`).name,
      `${path}.stream.name`,
    );
    if (seen.has(name))
      throw new InvalidInputError(
        `${path}.stream.name`,
        'each stream at most once',
        `a second "${name}"`,
      );
    seen.add(name);
    const syncMode = configured.sync_mode;
    if (syncMode !== 'full_refresh' && syncMode !== 'incremental') {
      throw new InvalidInputError(
        `${path}.sync_mode`,
        '"full_refresh" or "incremental"',
        describeValue(syncMode),
      );
    }
    const cursor = configured.cursor_field;
    const cursorOk =
      cursor === undefined ||
      cursor === null ||
      (Array.isArray(cursor) &&
        (cursor.length === 0 || (cursor.length === 1 && cursor[0] === CURSOR_FIELD)));
    if (!cursorOk)
      throw new InvalidInputError(
        `${path}.cursor_field`,
        `["${CURSOR_FIELD}"] (the source-defined cursor)`,
        describeValue(cursor),
      );
    return { name, syncMode };
  });
}
