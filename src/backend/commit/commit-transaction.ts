import type { EntityManager } from '@mikro-orm/postgresql';
import { StaleCheckpointError } from '../../errors';
import type { PreparedStateMessage } from '../../protocol/validate';
import type { ClearedStreamState } from '../clear-states';
import type { StateTables } from '../sql/executor';
import { insertDestinationRecords } from '../sql/insert-destination-records';
import {
  lockStreamCheckpoint,
  saveStreamCheckpoint,
  type StreamCheckpoint,
} from '../sql/stream-checkpoints';
import { upsertStreamRecords } from '../sql/stream-records';
import type { StateWriterKey, WriteOptions } from '../sql-state-writer';
import { passFence } from './fence';
import { applyGenerationSteps } from './generation-steps';
import { recordWriteError, TableChangedError } from './record-errors';
import { type DestinationRecordTable, qualifiedName, type RecordTable } from './record-table';
import type { RecordTables } from './record-tables';
import { type ClearStatesPort, supersedeOtherStateTypes } from './supersede-states';
import type {
  CommitObserver,
  CommitOutcome,
  CommitPlan,
  CommitStreamKey,
  CommittedCheckpoint,
  StreamCommit,
} from './types';

/** What a commit needs of its backend. */
export interface CommitPort {
  readonly tables: StateTables;
  readonly recordTables: RecordTables;
  fork(): EntityManager;
  /** Clears the state of the streams that have some, recording each deletion in the history. */
  clearStates(
    em: EntityManager,
    owner: StateWriterKey,
    streams: readonly { readonly name: string; readonly namespace: string }[],
    note: string | undefined,
  ): Promise<ClearedStreamState[]>;
  /** The backend's one state write (upsert + history), on the transaction's `em`. */
  writeStates(
    owner: StateWriterKey,
    states: readonly PreparedStateMessage[],
    options: WriteOptions,
  ): Promise<unknown>;
  /** Told how each commit ended (metrics). Default: none. */
  readonly observer?: CommitObserver;
  /** The backend's clear of named rows (deletes + history), on the transaction's `em`. */
  readonly clearStateRows: ClearStatesPort;
}

/**
 * The one commit step: every write of records, checkpoints and state that a sync makes goes
 * through {@link commit}, in ONE transaction, in one order — pass the fence (the run's claim),
 * lock the streams' checkpoints, decide (committed before? stale?), clear what the plan clears,
 * write the records, write the state with its history, save the checkpoints, COMMIT. A connector's records may be written
 * ahead into the same transaction ({@link writeRecords}) while they wait for their STATE.
 */
export class CommitTransaction {
  private em: EntityManager | undefined;
  /** Checks of tables made in this transaction, remembered once it commits. */
  private readonly onCommitted: (() => void)[] = [];

  constructor(private readonly port: CommitPort) {}

  /** True once records were written ahead and wait for the commit. */
  get open(): boolean {
    return this.em !== undefined;
  }

  /**
   * Writes a connector's RECORD lines ahead into the transaction (they become visible with the
   * commit, or never) and returns the rows written. The table must have been prepared by
   * `SqlStateBackend.prepareRecordTables` at the start of the run.
   */
  async writeRecords(
    table: DestinationRecordTable,
    lines: readonly string[],
    syncId: string,
    generationId: number | null = null,
  ): Promise<number> {
    const em = await this.begin();
    try {
      await this.prepare(em, table);
      return await insertDestinationRecords(
        em,
        { ...table, qualified: qualifiedName(table) },
        lines,
        syncId,
        generationId,
      );
    } catch (error) {
      throw recordWriteError(error, table, false);
    }
  }

  /** The commit step (see the class). Rolls everything back and rethrows on any failure. */
  async commit(plan: CommitPlan): Promise<CommitOutcome> {
    const started = performance.now();
    const em = await this.begin();
    try {
      const { fencedConnections } = await passFence(
        em,
        this.port.tables,
        plan.fence,
        plan.state?.owner,
      );
      const connectionId = plan.fence.connectionId;
      // A fixed lock order: two commits that touch the same streams cannot deadlock.
      const order = [...plan.streams.keys()].sort((a, b) =>
        compareKeys(plan.streams[a]!.key, plan.streams[b]!.key),
      );
      const last = new Map<number, StreamCheckpoint>();
      for (const i of order)
        last.set(
          i,
          await lockStreamCheckpoint(
            em,
            this.port.tables,
            checkpointKey(connectionId, plan.streams[i]!),
          ),
        );
      const decision = decide(connectionId ?? '', plan.streams, last);
      if (decision === 'alreadyCommitted') {
        await this.rollback();
        return this.observed(plan, started, {
          status: 'alreadyCommitted',
          fencedConnections: [],
          cleared: [],
          checkpoints: plan.streams.map((stream, i) => ({
            key: stream.key,
            checkpoint: last.get(i)!.checkpoint,
            rowsWritten: 0,
            recordsCommitted: last.get(i)!.recordsCommitted,
            committedAt: last.get(i)!.committedAt,
          })),
        });
      }
      const cleared = plan.clear
        ? await this.port.clearStates(em, plan.clear.owner, plan.clear.streams, plan.clear.note)
        : [];
      const rows = await this.writePlannedRecords(em, plan.streams, decision);
      if (plan.state) {
        const stateKey =
          plan.state.messages.length === 1 ? streamOf(plan.state.messages[0]!) : undefined;
        const stateStream = stateKey && plan.streams.findIndex((s) => sameKey(s.key, stateKey));
        const forced =
          fencedConnections.length > 0
            ? `forced write; fenced connections ${fencedConnections.join(', ')}`
            : undefined;
        await this.port.writeStates(plan.state.owner, plan.state.messages, {
          em,
          author: plan.state.author?.author,
          note: [forced, plan.state.author?.note].filter(Boolean).join('; ') || undefined,
          audit: {
            operation: plan.streams.length > 0 ? 'commit' : 'write',
            connectionId,
            checkpoint:
              stateStream !== undefined && stateStream >= 0 ? decision[stateStream] : undefined,
          },
        });
        const type = plan.state.messages.at(-1)?.type;
        if (plan.state.supersedeOtherTypes && type)
          await supersedeOtherStateTypes(
            em,
            this.port.tables,
            this.port.clearStateRows,
            plan.state.owner,
            type,
            {
              note: `superseded by ${type === 'STREAM' ? 'a STREAM' : `a ${type}`} commit: a source syncs one kind of state`,
              connectionId,
            },
          );
      }
      const refreshesCompleted = plan.generations
        ? await applyGenerationSteps(
            em,
            {
              tables: this.port.tables,
              clearStates: this.port.clearStateRows,
              writeStates: (owner, states, options) =>
                this.port.writeStates(owner, states, options),
              forgetTable: (table) =>
                this.onCommitted.push(() => this.port.recordTables.forget(table)),
            },
            plan.generations,
          )
        : undefined;
      const checkpoints: CommittedCheckpoint[] = [];
      for (const [i, stream] of plan.streams.entries()) {
        const written = rows[i]! + (stream.rowsWrittenAhead ?? 0);
        const saved = await saveStreamCheckpoint(
          em,
          this.port.tables,
          checkpointKey(connectionId, stream),
          {
            checkpoint: decision[i]!,
            epoch: plan.fence.connectionId === undefined ? undefined : plan.fence.epoch,
            records: written,
          },
        );
        checkpoints.push({ key: stream.key, rowsWritten: written, ...saved });
      }
      await em.commit();
      this.em = undefined;
      for (const remember of this.onCommitted.splice(0)) remember();
      return this.observed(plan, started, {
        status: 'committed',
        checkpoints,
        fencedConnections,
        cleared,
        refreshesCompleted,
      });
    } catch (error) {
      await this.rollback();
      if (error instanceof TableChangedError) this.port.recordTables.forget(error.table);
      if (error instanceof StaleCheckpointError) this.notify((o) => o.refused(plan));
      throw error;
    }
  }

  /** Rolls back what this transaction wrote; nothing of it becomes visible. */
  async rollback(): Promise<void> {
    const em = this.em;
    this.em = undefined;
    this.onCommitted.length = 0;
    if (em) await em.rollback().catch(() => undefined); // a broken connection rolls back by itself
  }

  /** Tells the observer how the commit ended and returns the outcome. */
  private observed(plan: CommitPlan, started: number, outcome: CommitOutcome): CommitOutcome {
    this.notify((o) => o.committed(plan, outcome, performance.now() - started));
    return outcome;
  }

  /** The transaction has ended: an observer's failure must not turn it into a failed commit. */
  private notify(tell: (observer: CommitObserver) => void): void {
    const observer = this.port.observer;
    if (!observer) return;
    try {
      tell(observer);
    } catch {
      // Metrics are best effort; the commit's outcome is what the caller must get.
    }
  }

  private async begin(): Promise<EntityManager> {
    if (!this.em) {
      const em = this.port.fork();
      await em.begin();
      this.em = em;
    }
    return this.em;
  }

  /** Checks a table in this transaction unless trusted; returns whether it was trusted. */
  private async prepare(em: EntityManager, table: RecordTable): Promise<boolean> {
    const prepared = await this.port.recordTables.prepare(em, this.port.tables, table);
    if (prepared === 'trusted') return true;
    this.onCommitted.push(prepared);
    return false;
  }

  /** Upserts the plan's records; returns rows per stream. */
  private async writePlannedRecords(
    em: EntityManager,
    streams: readonly StreamCommit[],
    checkpoints: readonly number[],
  ): Promise<number[]> {
    const rows: number[] = [];
    for (const [i, stream] of streams.entries()) {
      const records = stream.records;
      if (!records || records.rows.length === 0) {
        rows.push(0);
        continue;
      }
      let trusted = false;
      try {
        trusted = await this.prepare(em, records.table);
        rows.push(await upsertStreamRecords(em, records.table, records.rows, checkpoints[i]!));
      } catch (error) {
        throw recordWriteError(error, records.table, trusted);
      }
    }
    return rows;
  }
}

/** Each stream's new checkpoint, or `alreadyCommitted` when every counted one had committed before. */
function decide(
  connectionId: string,
  streams: readonly StreamCommit[],
  last: ReadonlyMap<number, StreamCheckpoint>,
): number[] | 'alreadyCommitted' {
  const stored = (i: number) => last.get(i)!.checkpoint;
  const counted = [...streams.entries()].filter(([, s]) => s.checkpoint !== 'next');
  if (counted.length > 0 && counted.every(([i, s]) => s.checkpoint === stored(i)))
    return 'alreadyCommitted';
  return streams.map((stream, i) => {
    if (stream.checkpoint === 'next') return stored(i) + 1;
    if (stream.checkpoint > stored(i)) return stream.checkpoint;
    throw new StaleCheckpointError(
      connectionId,
      `checkpoint ${stream.checkpoint} is ${stream.checkpoint === stored(i) ? 'already committed' : `older than the committed checkpoint ${stored(i)}`} of stream "${stream.key.streamName}"`,
    );
  });
}

function checkpointKey(connectionId: string | undefined, stream: StreamCommit) {
  if (connectionId === undefined)
    throw new Error('temporal-sync-state: a commit that advances checkpoints needs a connection');
  return { connectionId, namespace: stream.key.namespace, streamName: stream.key.streamName };
}

function streamOf(state: PreparedStateMessage): CommitStreamKey {
  return { namespace: state.namespace, streamName: state.streamName };
}

function sameKey(a: CommitStreamKey, b: CommitStreamKey): boolean {
  return a.namespace === b.namespace && a.streamName === b.streamName;
}

function compareKeys(a: CommitStreamKey, b: CommitStreamKey): number {
  const x = JSON.stringify([a.namespace, a.streamName]);
  const y = JSON.stringify([b.namespace, b.streamName]);
  return x < y ? -1 : x > y ? 1 : 0;
}
