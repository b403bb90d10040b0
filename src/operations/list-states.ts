import type { SqlStateBackend } from '../backend/sql-state-backend';
import { checkOptionalName } from '../activity-bodies/check-input';

/** One stream's stored state, as {@link listStates} lists it. */
export interface StateListEntry {
  readonly sourceName: string;
  /** `null` for the cache state. */
  readonly destinationName: string | null;
  /** `null` for a cache row whose table name does not end with its stream name (written by hand or an old PyAirbyte). */
  readonly tablePrefix: string | null;
  /** The stream name, or `_GLOBAL` / `_LEGACY`. */
  readonly streamName: string | null;
  readonly namespace: string | null;
  /** ISO time of the last write. */
  readonly lastUpdated: string | null;
  /** Size of the stored state message, in bytes of JSON. */
  readonly bytes: number;
}

/** Filter of {@link listStates}. */
export interface ListStatesFilter {
  /** Only this source. Default: every source. */
  readonly sourceName?: string;
  /** Only this destination's state; `null`: only the cache state. Default: both. */
  readonly destinationName?: string | null;
}

/** Lists every stored stream state (one row per source, destination and stream), without the state itself. */
export async function listStates(
  backend: SqlStateBackend,
  filter: ListStatesFilter = {},
): Promise<StateListEntry[]> {
  const sourceName = checkOptionalName('sourceName', filter.sourceName);
  const destinationName =
    filter.destinationName === null
      ? null
      : checkOptionalName('destinationName', filter.destinationName);
  const rows = await backend.listStateRows({ sourceName, destinationName });
  return rows.map((row) => ({
    sourceName: row.source_name,
    destinationName: row.destination_name,
    tablePrefix: row.table_prefix,
    streamName: row.stream_name,
    namespace: row.stream_namespace === '' ? null : row.stream_namespace,
    lastUpdated: row.last_updated === null ? null : new Date(row.last_updated).toISOString(),
    bytes: Number(row.bytes ?? 0),
  }));
}
