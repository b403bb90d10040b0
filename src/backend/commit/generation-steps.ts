import { parseExactJson } from '../../protocol/exact-json';
import {
  type AirbyteStateMessage,
  GLOBAL_STATE_STREAM_NAME,
  LEGACY_STATE_STREAM_NAME,
} from '../../protocol/types';
import { prepareStateMessage } from '../../protocol/validate';
import type { SqlExecutor, StateTables } from '../sql/executor';
import { selectStates } from '../sql/select-states';
import {
  deleteSyncRecords,
  saveStreamGeneration,
  selectStreamGenerations,
  type StreamGenerationRow,
} from '../sql/stream-generations';
import { dropTableIfExists, swapStagingTable, truncateTable } from '../sql/swap-staging-table';
import { forgetTableOwner } from '../sql/table-owners';
import type { StateWriterKey, WriteOptions } from '../sql-state-writer';
import { type DestinationRecordTable, qualifiedName } from './record-table';
import type { ClearStatesPort } from './supersede-states';

/** A stream's generation row as a run starts it: what it read, what it writes, what it clears. */
export interface GenerationStart {
  /** The row as the run read it (absent: none); if it changed since, the commit fails with {@link GenerationsChangedError}. */
  readonly expected: StreamGenerationRow | undefined;
  /** The row as the run leaves it. */
  readonly next: StreamGenerationRow;
  /** Delete the stream's stored state (a clear in the history, with this note). Default: keep. */
  readonly clearState?: string;
  /** Empty this staging table: the refresh reads the stream from its start again. Default: none. */
  readonly truncate?: DestinationRecordTable;
  /** Delete the rows this sync wrote in `next`'s generation: the stream is read from its start again. Default: none. */
  readonly deleteSyncRows?: DestinationRecordTable;
  /** Drop this staging table, if it exists: the refresh that wrote it was superseded. Default: none. */
  readonly dropStaging?: DestinationRecordTable;
}

/** A refresh whose read completed: swapped in (remove) or simply ended (retain). */
export interface GenerationCompletion {
  readonly namespace: string;
  readonly streamName: string;
  /** The generation the run read; a newer refresh requested since is left to its own run. */
  readonly generationId: number;
  /** Remove: the staging table to put in place of the stream's table. Retain: absent. */
  readonly swap?: {
    readonly staging: DestinationRecordTable;
    readonly target: DestinationRecordTable;
    readonly minimumGenerationId: number;
  };
}

/** The generation part of a commit (see `CommitPlan.generations`). */
export interface GenerationPlan {
  readonly connectionId: string;
  /** Whose state the cleared streams' rows are. */
  readonly owner: StateWriterKey;
  readonly start?: readonly GenerationStart[];
  readonly complete?: readonly GenerationCompletion[];
}

/** Thrown when a stream's generation changed between a run's read and its start commit (a refresh was requested): read again. */
export class GenerationsChangedError extends Error {
  constructor(readonly streamName: string) {
    super(
      `temporal-sync-state: the generation of stream "${streamName}" changed while the run started`,
    );
  }
}

/** What the generation steps need of the backend. */
export interface GenerationPort {
  readonly tables: StateTables;
  readonly clearStates: ClearStatesPort;
  writeStates(
    owner: StateWriterKey,
    states: readonly ReturnType<typeof prepareStateMessage>[],
    options: WriteOptions,
  ): Promise<unknown>;
  /** Forget a table the commit dropped, once it commits. */
  forgetTable(table: DestinationRecordTable): void;
}

/**
 * Applies a commit's generation steps inside its transaction (after the fence): starts (checked
 * against what the run read, then state cleared, staging emptied, rows saved) and completions
 * (a swap of the staging table, the refresh ended). Returns the streams whose refresh completed.
 */
export async function applyGenerationSteps(
  em: SqlExecutor,
  port: GenerationPort,
  plan: GenerationPlan,
): Promise<string[]> {
  const rows = await selectStreamGenerations(em, port.tables, plan.connectionId, true);
  const rowOf = (namespace: string, name: string) =>
    rows.find((r) => r.namespace === namespace && r.streamName === name);
  for (const start of plan.start ?? []) {
    const { namespace, streamName } = start.next;
    if (!sameRow(rowOf(namespace, streamName), start.expected))
      throw new GenerationsChangedError(streamName);
  }
  for (const start of plan.start ?? []) {
    const { namespace, streamName } = start.next;
    if (start.clearState !== undefined)
      await clearStreamState(em, port, plan, { namespace, name: streamName }, start.clearState);
    if (start.truncate) await truncateTable(em, qualifiedName(start.truncate));
    if (start.dropStaging) await dropTable(em, port, start.dropStaging);
    if (start.deleteSyncRows && start.next.syncId !== null)
      await deleteSyncRecords(
        em,
        qualifiedName(start.deleteSyncRows),
        start.next.syncId,
        start.next.generationId,
      );
    await saveStreamGeneration(em, port.tables, plan.connectionId, start.next);
  }
  const completed: string[] = [];
  for (const done of plan.complete ?? []) {
    const row = rowOf(done.namespace, done.streamName);
    if (!row || row.refresh === null || row.generationId !== done.generationId) continue;
    if (done.swap) {
      const { staging, target } = done.swap;
      await swapStagingTable(em, {
        target: qualifiedName(target),
        staging: qualifiedName(staging),
        columns: target.columns.map((c) => c.name),
        primaryKey: target.primaryKey,
        minimumGenerationId: done.swap.minimumGenerationId,
      });
      await dropTable(em, port, staging);
    }
    await saveStreamGeneration(em, port.tables, plan.connectionId, {
      ...row,
      minimumGenerationId: 0,
      refresh: null,
      refreshSyncId: null,
    });
    completed.push(done.streamName);
  }
  return completed;
}

/**
 * Deletes one stream's stored state so that its next read starts from scratch: its STREAM row,
 * or its entry in the `_GLOBAL` message (written again without it), or the `_LEGACY` blob, which
 * holds every stream and cannot be split.
 */
async function clearStreamState(
  em: SqlExecutor,
  port: GenerationPort,
  plan: GenerationPlan,
  stream: { readonly namespace: string; readonly name: string },
  note: string,
): Promise<void> {
  const stored = await selectStates(em, port.tables, plan.owner);
  const audit = { operation: 'clear' as const, connectionId: plan.connectionId };
  const clear = (streams: { name: string; namespace: string }[]) =>
    port.clearStates(plan.owner, {
      destinationName: plan.owner.destinationName,
      tablePrefix: plan.owner.tablePrefix,
      streams,
      note,
      audit,
      em,
    });
  if (stored.some((r) => r.stream_name === stream.name && r.stream_namespace === stream.namespace))
    await clear([stream]);
  const legacy = stored.find((r) => r.stream_name === LEGACY_STATE_STREAM_NAME);
  if (legacy) await clear([{ name: LEGACY_STATE_STREAM_NAME, namespace: '' }]);
  const global = stored.find((r) => r.stream_name === GLOBAL_STATE_STREAM_NAME);
  if (!global?.state_json) return;
  const message = parseExactJson(global.state_json) as AirbyteStateMessage;
  const states = message.global?.stream_states ?? [];
  const kept = states.filter(
    (s) =>
      !(
        s.stream_descriptor.name === stream.name &&
        (s.stream_descriptor.namespace ?? '') === stream.namespace
      ),
  );
  if (kept.length === states.length) return;
  const without = { ...message, global: { ...message.global, stream_states: kept } };
  await port.writeStates(plan.owner, [prepareStateMessage(without)], {
    em,
    note: `${note}: stream "${stream.name}" taken out of the GLOBAL state`,
    audit: { operation: 'write', connectionId: plan.connectionId },
  });
}

/** Drops a staging table (the swap moved its rows, or its refresh was superseded) and its owner. */
async function dropTable(
  em: SqlExecutor,
  port: GenerationPort,
  table: DestinationRecordTable,
): Promise<void> {
  await dropTableIfExists(em, qualifiedName(table));
  await forgetTableOwner(em, port.tables, table);
  port.forgetTable(table);
}

function sameRow(a: StreamGenerationRow | undefined, b: StreamGenerationRow | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
