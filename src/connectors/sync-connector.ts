import type { SqlStateBackend } from '../backend/sql-state-backend';
import { claimConnectionAttempt } from '../backend/sql/claim-connection-attempt';
import { hasSyncRecords } from '../backend/sql/has-sync-records';
import { selectCheckpoints } from '../backend/sql/stream-checkpoints';
import { StaleCheckpointError } from '../errors';
import { toStateInputFileText } from '../protocol/state-file';
import type { AirbyteStateMessage } from '../protocol/types';
import { getStateSnapshot } from '../activity-bodies/state-snapshot';
import type { CheckpointEntry } from '../activity-bodies/types';
import { AirbyteConnector } from './airbyte-connector';
import { type CheckedSyncInput, checkSyncConnectorInput } from './check-sync-input';
import { CommitWriter, streamKey } from './commit-writer';
import { type ConnectorLogger, silentLogger } from './connector-logger';
import { prepareConnectorState } from './connector-state';
import type { ConnectorProcessOptions } from './connector-process';
import { configureCatalog, toConfiguredCatalog } from './configured-catalog';
import { type DestinationTable, planDestinationTables } from './destination-table';
import { RecordCounts } from './record-counts';
import type { ConnectorCommits, SyncConnectorResult } from './sync-types';

/** Who runs a connector sync, and what it tells along the way. */
export interface ConnectorSyncContext {
  /** The owner that claimed the connection for this run with `startSync` (a workflow's run id). */
  readonly runOwner: string;
  /**
   * Which call of the run this is, growing from call to call (the activity's id: Temporal numbers
   * a run's activities). A call takes the connection over from the earlier calls of the run and
   * fences off what they still commit. Default: 1 (one call per run).
   */
  readonly invocation?: number;
  /** This attempt of the call, from 1: claiming it fences off the commits of earlier attempts still running. */
  readonly attempt: number;
  /** The sync id when the input has none. Default: `runOwner`. */
  readonly defaultSyncId?: string;
  /** Receives the connector's logs and ours. Default: none. */
  readonly logger?: ConnectorLogger;
  /** Stops the connector and rolls back what is not committed; the sync then throws its reason. */
  readonly signal?: AbortSignal;
  /** Called after each commit (e.g. to heartbeat and report progress); awaited. */
  readonly onCommit?: (commits: ConnectorCommits) => void | Promise<void>;
  /** How connectors run on this worker (Docker CLI, temp folder, stop grace). */
  readonly connectorOptions?: ConnectorProcessOptions;
}

/**
 * Syncs a connector into PostgreSQL: discovers its streams and checks the selection, claims the
 * connection for this attempt, creates the destination tables, starts `read` from the stored
 * state, and at each STATE commits the records received since the previous one with that state,
 * in one transaction. On failure, what was committed stays committed and the rest is rolled back:
 * a retry restarts the connector from the state in the database.
 */
export async function syncConnector(
  backend: SqlStateBackend,
  input: unknown,
  context: ConnectorSyncContext,
): Promise<SyncConnectorResult> {
  const sync = checkSyncConnectorInput(backend, input);
  const syncId = sync.syncId ?? context.defaultSyncId ?? context.runOwner;
  const logger = context.logger ?? silentLogger;
  await backend.migrate();
  const connector = new AirbyteConnector(sync.connector, {
    ...context.connectorOptions,
    logger,
    nonJsonLines: sync.nonJsonLines,
  });
  // Everything that can be wrong with the input fails here, before any table or state changes.
  const discovered = await connector.discover(sync.config, { signal: context.signal });
  const streams = configureCatalog(connector.name, discovered, sync.streams, sync.writeStrategy);
  const tables = planDestinationTables(streams, {
    schema: sync.schema,
    tablePrefix: sync.tablePrefix,
    sourceName: sync.sourceName,
  });
  context.signal?.throwIfAborted();
  const invocation = context.invocation ?? 1;
  const epoch = await backend.fork().transactional((em) =>
    claimConnectionAttempt(em, backend.tables, sync.connectionId, context.runOwner, {
      invocation,
      attempt: context.attempt,
    }),
  );
  if (epoch === undefined)
    throw new StaleCheckpointError(
      sync.connectionId,
      `run "${context.runOwner}" (call ${invocation}, attempt ${context.attempt}) does not own the connection: a newer run, a later call or attempt of this run claimed it, or none called startSync`,
    );
  await backend.prepareRecordTables(tables);
  const state = await startingState(backend, sync, tables, syncId);
  const startedFromState = state.map(stateName);
  logger.info(
    `Reading ${streams.length} streams of ${connector.name} from the stored state of ${startedFromState.length ? startedFromState.join(', ') : 'none'} (attempt ${context.attempt}, epoch ${epoch})`,
    { connector: connector.name },
  );
  const byStream = new Map(tables.map((t) => [streamKey(t.stream.name, t.stream.namespace), t]));
  const writer = new CommitWriter(
    backend,
    { ...sync, syncId, epoch },
    byStream,
    sync.maxBufferedRecords,
    (stream) =>
      logger.warn(`Skipping records of stream "${stream}": it was not selected`, {
        connector: connector.name,
      }),
  );
  const readCounts = new Map<DestinationTable, number>();
  const counts = new RecordCounts();
  let commits = 0;
  let recordsRead = 0;
  let recordsCommitted = 0;
  const committed = async (result: Awaited<ReturnType<CommitWriter['commit']>>) => {
    if (!result) return;
    commits++;
    recordsCommitted += result.rows;
    await context.onCommit?.(result.commits);
  };
  try {
    const messages = connector.read({
      config: sync.config,
      catalog: toConfiguredCatalog(streams),
      stateText: state.length > 0 ? toStateInputFileText(state) : undefined,
      signal: context.signal,
    });
    for await (const message of messages) {
      if (message.type === 'RECORD') {
        recordsRead++;
        const key = streamKey(message.record.stream, message.record.namespace);
        const table = byStream.get(key);
        if (table) readCounts.set(table, (readCounts.get(table) ?? 0) + 1);
        counts.add(key, table !== undefined);
        await writer.add(message);
      } else if (message.type === 'STATE') {
        const descriptor = message.state.stream?.stream_descriptor;
        const scope = counts.close(
          message.state,
          streamKey(descriptor?.name ?? '', descriptor?.namespace),
        );
        const prepared = prepareConnectorState(message, scope.written, backend.maxStateBytes);
        await committed(await writer.commit(prepared));
      } else if (message.type === 'CONTROL') {
        logger.warn(
          `${connector.name} sent a CONTROL message (${String(message.control?.type)}); connector configs are not persisted, so it is ignored`,
          { connector: connector.name },
        );
      }
    }
    if (writer.pending)
      logger.warn(
        `${connector.name} ended with records after its last STATE: committing them without state`,
        {
          connector: connector.name,
        },
      );
    await committed(await writer.commit(undefined));
  } catch (error) {
    await writer.rollback();
    throw error;
  }
  const after = await finalCommits(backend, sync, epoch);
  return {
    ...after,
    connector: connector.name,
    sourceName: sync.sourceName,
    attempt: context.attempt,
    commits,
    recordsRead,
    recordsCommitted,
    recordCounts: counts.checks,
    startedFromState,
    streams: streams.map((stream, i) => {
      const table = tables[i]!;
      return {
        name: stream.name,
        namespace: stream.namespace,
        syncMode: stream.configured.sync_mode,
        writeMethod: stream.writeMethod,
        table: table.qualified,
        recordsRead: readCounts.get(table) ?? 0,
      };
    }),
  };
}

/**
 * The state to start the connector from: the stored state of the selected streams, except the
 * STREAM state of a `replace` table that this sync has not written yet: such a stream is read
 * from the start, since its table is about to be replaced.
 */
async function startingState(
  backend: SqlStateBackend,
  sync: CheckedSyncInput,
  tables: readonly DestinationTable[],
  syncId: string,
): Promise<AirbyteStateMessage[]> {
  const provider = await backend.getStateProvider(sync.sourceName, {
    destinationName: sync.destinationName,
    tablePrefix: sync.tablePrefix,
    streamsFilter: tables.map((t) => t.stream.name),
  });
  const fresh = new Set<string>();
  for (const table of tables) {
    if (
      table.writeMethod === 'replace' &&
      !(await hasSyncRecords(backend.fork(), table.qualified, syncId))
    )
      fresh.add(streamKey(table.stream.name, table.stream.namespace));
  }
  return provider.stateMessageArtifacts.filter(
    (m) =>
      !(
        m.type === 'STREAM' &&
        m.stream &&
        fresh.has(streamKey(m.stream.stream_descriptor.name, m.stream.stream_descriptor.namespace))
      ),
  );
}

/** Every checkpoint of the connection and every state message, as they are after the run. */
async function finalCommits(
  backend: SqlStateBackend,
  sync: CheckedSyncInput,
  epoch: number,
): Promise<ConnectorCommits> {
  const snapshot = await getStateSnapshot(backend, {
    sourceName: sync.sourceName,
    destinationName: sync.destinationName,
    tablePrefix: sync.tablePrefix,
  });
  const rows = await selectCheckpoints(backend.fork(), backend.tables, sync.connectionId);
  const checkpoints: CheckpointEntry[] = rows.map((row) => ({
    name: row.stream_name,
    namespace: row.stream_namespace === '' ? null : row.stream_namespace,
    checkpoint: Number(row.checkpoint),
    recordsCommitted: Number(row.records_committed),
    committedAt: new Date(row.committed_at).toISOString(),
  }));
  return { epoch, checkpoints, messages: snapshot.messages };
}

function stateName(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM' && message.stream) return message.stream.stream_descriptor.name;
  return message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY';
}
