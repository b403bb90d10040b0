import { createHash } from 'node:crypto';
import type { GenerationStart } from '../backend/commit/generation-steps';
import { qualifiedName } from '../backend/commit/record-table';
import type { RefreshMode, StreamGenerationRow } from '../backend/stream-generations';
import type { ConfiguredStream } from './configured-catalog';
import type { DestinationTable } from './destination-table';

/** Longest PostgreSQL identifier, in bytes. */
const MAX_IDENTIFIER_BYTES = 63;
/** What a staging table's name adds to its table's. */
const STAGING_SUFFIX = '__airbyte_tmp';

/** One selected stream as a run starts: its configuration, table, generation row and stored state. */
export interface StreamStartInput {
  readonly stream: ConfiguredStream;
  readonly table: DestinationTable;
  readonly row: StreamGenerationRow | undefined;
  /** The stored state holds this stream's state (its STREAM row, its entry of a GLOBAL, or LEGACY). */
  readonly hasState: boolean;
}

/** How a run reads and writes one stream. */
export interface StreamStartPlan {
  readonly stream: ConfiguredStream;
  readonly table: DestinationTable;
  /** What the start commit checks and writes. */
  readonly start: GenerationStart;
  /** Where its records go: the staging table while a refresh removes older generations, else its table. */
  readonly writeTable: DestinationTable;
  /** The refresh this run must complete when the stream's read completes; `null` when none runs. */
  readonly refresh: RefreshMode | null;
  /** The generation of the records written, and the lowest one the table keeps (the catalog's fields). */
  readonly generationId: number;
  readonly minimumGenerationId: number;
  /** The protocol's `sync_id`: this sync's number among the connection's. */
  readonly syncNumber: number;
  /** Whether the connector is given the stream's stored state (else it reads from the start). */
  readonly resumes: boolean;
}

/**
 * Decides, for each stream of a run of sync `syncId`, which state the connector resumes from and
 * which generation its records belong to, following Airbyte's platform:
 * - a refresh requested since the last run starts now: the stream's state is cleared and it is
 *   read from scratch, into a staging table (`remove`, swapped in when the read completes) or its
 *   table (`retain`);
 * - a new sync forgets the state of full-refresh streams (a finished resumable full refresh's
 *   state would make the connector read nothing), and `replace` is a remove-refresh per sync;
 * - a stream read from its start again within a sync first drops what that sync wrote of it
 *   (the staging table, or the rows of an append table), so that each record lands once.
 */
export function planStreamStarts(
  syncId: string,
  inputs: readonly StreamStartInput[],
  connectionRows: readonly StreamGenerationRow[],
): StreamStartPlan[] {
  const syncNumber = syncNumberOf(syncId, connectionRows);
  return inputs.map(({ stream, table, row, hasState }) => {
    const namespace = stream.namespace ?? '';
    const before: StreamGenerationRow = row ?? {
      namespace,
      streamName: stream.name,
      generationId: 0,
      minimumGenerationId: 0,
      refresh: null,
      refreshSyncId: null,
      syncId: null,
      syncNumber: 0,
    };
    const replace = stream.writeMethod === 'replace';
    const fullRefresh = stream.configured.sync_mode === 'full_refresh';
    const newSync = before.syncId !== syncId;
    const requested = before.refresh !== null && before.refreshSyncId === null;
    const reason = requested
      ? `refresh (${replace ? 'remove' : before.refresh}) to generation ${before.generationId}: the stream is read from scratch`
      : newSync && (fullRefresh || replace)
        ? `a new sync reads ${replace ? 'a replace' : 'a full-refresh'} stream from its start`
        : undefined;
    // A full-refresh stream that does not resume (is_resumable) is read whole whatever its state.
    const resumable = !fullRefresh || stream.configured.stream.is_resumable === true;
    const resumes = hasState && reason === undefined && resumable;
    let next: StreamGenerationRow = { ...before, syncId, syncNumber };
    if (requested) {
      next = { ...next, refreshSyncId: syncId };
      // Full refresh | overwrite always removes the older generations.
      if (replace) next = { ...next, refresh: 'remove', minimumGenerationId: next.generationId };
    } else if (replace && !resumes && !(before.refresh === 'remove' && before.refreshSyncId)) {
      const generationId = before.generationId + 1;
      next = {
        ...next,
        generationId,
        minimumGenerationId: generationId,
        refresh: 'remove',
        refreshSyncId: syncId,
      };
    }
    const staging = next.refresh === 'remove' ? stagingTable(table) : undefined;
    const start: GenerationStart = {
      expected: row,
      next,
      clearState: hasState ? reason : undefined,
      truncate: staging && !resumes ? staging : undefined,
      // A remove-refresh superseded by a retain one leaves its staging table behind otherwise.
      dropStaging: before.refresh === 'remove' && !staging ? stagingTable(table) : undefined,
      deleteSyncRows:
        !staging && !resumes && !newSync && stream.writeMethod === 'append' ? table : undefined,
    };
    return {
      stream,
      table,
      start,
      writeTable: staging ?? table,
      refresh: next.refresh,
      generationId: next.generationId,
      minimumGenerationId: next.refresh === 'remove' ? next.minimumGenerationId : 0,
      syncNumber,
      resumes,
    };
  });
}

/** The table a refresh that removes older generations writes to until its read completes. */
export function stagingTable(table: DestinationTable): DestinationTable {
  let name = `${table.name}${STAGING_SUFFIX}`;
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    const hash = createHash('sha256').update(table.qualified).digest('hex').slice(0, 16);
    name = `_airbyte_tmp_${hash}`;
  }
  const at = { schema: table.schema, name };
  return { ...table, ...at, qualified: qualifiedName(at) };
}

/** This sync's number among the connection's: the one its streams have, or one more than any. */
function syncNumberOf(syncId: string, rows: readonly StreamGenerationRow[]): number {
  const own = rows.find((r) => r.syncId === syncId);
  if (own) return own.syncNumber;
  return rows.reduce((max, r) => Math.max(max, r.syncNumber), 0) + 1;
}
