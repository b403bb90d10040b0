import type { SqlStateBackend } from '../backend/sql-state-backend';
import { StaleCheckpointError } from '../errors';
import { toStateInputFileText } from '../protocol/state-file';
import type { AirbyteStateMessage } from '../protocol/types';
import { getStateSnapshot } from '../activity-bodies/state-snapshot';
import { AirbyteConnector } from './airbyte-connector';
import { type CheckedSyncInput, checkSyncConnectorInput } from './check-sync-input';
import { CommitWriter, streamKey } from './commit-writer';
import { readAndCommit } from './read-loop';
import { startRun } from './sync-start';
import { type ConnectorLogger, silentLogger } from './connector-logger';
import type { ConnectorProcessOptions } from './connector-process';
import { configureCatalog, toConfiguredCatalog } from './configured-catalog';
import { planDestinationTables } from './destination-table';
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
  const epoch = await backend.connections.claimAttempt(sync.connectionId, context.runOwner, {
    invocation,
    attempt: context.attempt,
  });
  if (epoch === undefined)
    throw new StaleCheckpointError(
      sync.connectionId,
      `run "${context.runOwner}" (call ${invocation}, attempt ${context.attempt}) does not own the connection: a newer run, a later call or attempt of this run claimed it, or none called startSync`,
    );
  const { plans, state } = await startRun(
    backend,
    sync,
    streams.map((stream, i) => ({ stream, table: tables[i]! })),
    { syncId, epoch },
  );
  const startedFromState = state.map(stateName);
  logger.info(
    `Reading ${streams.length} streams of ${connector.name} from the stored state of ${startedFromState.length ? startedFromState.join(', ') : 'none'} (attempt ${context.attempt}, epoch ${epoch})`,
    { connector: connector.name },
  );
  const byStream = new Map(plans.map((p) => [streamKey(p.stream.name, p.stream.namespace), p]));
  const writer = new CommitWriter(
    backend,
    { ...sync, syncId, epoch },
    new Map(
      [...byStream].map(([key, p]) => [key, { table: p.writeTable, generationId: p.generationId }]),
    ),
    sync.maxBufferedRecords,
    (stream) =>
      logger.warn(`Skipping records of stream "${stream}": it was not selected`, {
        connector: connector.name,
      }),
  );
  let commits = 0;
  let recordsCommitted = 0;
  const read = await readAndCommit({
    connector: connector.name,
    messages: connector.read({
      config: sync.config,
      catalog: toConfiguredCatalog(streams, plans),
      stateText: state.length > 0 ? toStateInputFileText(state) : undefined,
      signal: context.signal,
    }),
    writer,
    plans: byStream,
    maxStateBytes: backend.maxStateBytes,
    logger,
    signal: context.signal,
    onCommit: async (result) => {
      commits++;
      recordsCommitted += result.rows;
      await context.onCommit?.(result.commits);
    },
  });
  const after = await finalCommits(backend, sync, epoch);
  return {
    ...after,
    connector: connector.name,
    sourceName: sync.sourceName,
    attempt: context.attempt,
    commits,
    recordsRead: read.recordsRead,
    recordsCommitted,
    recordCounts: read.recordCounts,
    startedFromState,
    refreshesCompleted: read.refreshesCompleted,
    streams: plans.map((plan) => ({
      name: plan.stream.name,
      namespace: plan.stream.namespace,
      syncMode: plan.stream.configured.sync_mode,
      writeMethod: plan.stream.writeMethod,
      table: plan.table.qualified,
      recordsRead:
        read.recordsPerStream.get(streamKey(plan.stream.name, plan.stream.namespace)) ?? 0,
      generationId: plan.generationId,
      resumed: plan.resumes,
    })),
  };
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
  const checkpoints = await backend.connections.checkpoints(sync.connectionId);
  return { epoch, checkpoints, messages: snapshot.messages };
}

function stateName(message: AirbyteStateMessage): string {
  if (message.type === 'STREAM' && message.stream) return message.stream.stream_descriptor.name;
  return message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY';
}
