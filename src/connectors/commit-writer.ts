import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import { deleteReplacedRecords } from '../backend/sql/delete-replaced-records';
import { insertDestinationRecords } from '../backend/sql/insert-destination-records';
import {
  type CheckpointKey,
  lockStreamCheckpoint,
  saveStreamCheckpoint,
} from '../backend/sql/stream-checkpoints';
import { InvalidStateMessageError } from '../errors';
import type { AirbyteStateMessage } from '../protocol/types';
import { type PreparedStateMessage, prepareStateMessage } from '../protocol/validate';
import { checkCommitEpoch } from '../sync/check-commit-epoch';
import type { CheckpointEntry } from '../sync/types';
import { ConnectorError } from './connector-error';
import type { RecordMessage } from './connector-messages';
import type { DestinationTable } from './destination-table';
import { preview } from './parse-message';
import type { ConnectorCommits } from './sync-types';

/** Default records held between two STATE messages before they are written ahead. */
export const DEFAULT_MAX_BUFFERED_RECORDS = 10_000;
/** Characters of record lines held before they are written ahead: 32 Mi. */
const MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

/** Whose commits these are. */
export interface CommitOwner {
  readonly connectionId: string;
  readonly sourceName: string;
  readonly destinationName: string | undefined;
  readonly tablePrefix: string;
  readonly syncId: string;
  readonly epoch: number;
}

/**
 * Commits a connector's output the way the protocol allows: the records received since the last
 * STATE together with that STATE, in ONE transaction that also checks the run's fencing epoch and
 * advances the checkpoint of every stream it touches. Records wait in memory until the STATE; past
 * a bound they are written ahead inside the transaction that the STATE will commit, so memory
 * stays bounded and nothing is visible before its state is.
 */
export class CommitWriter {
  private readonly buffers = new Map<DestinationTable, string[]>();
  private bufferedRecords = 0;
  private bufferedChars = 0;
  /** The open transaction, once records were written ahead or a commit began. */
  private em: EntityManager | undefined;
  /** Rows written in the open transaction, per stream key. */
  private readonly written = new Map<
    string,
    { key: CheckpointKey; rows: number; table: DestinationTable | undefined }
  >();
  /** `replace` tables whose earlier syncs' rows this attempt has deleted (committed). */
  private readonly replaced = new Set<DestinationTable>();
  private readonly skipped = new Set<string>();

  constructor(
    private readonly backend: SqlStateBackend,
    private readonly owner: CommitOwner,
    private readonly tables: ReadonlyMap<string, DestinationTable>,
    private readonly maxBufferedRecords = DEFAULT_MAX_BUFFERED_RECORDS,
    private readonly onSkippedStream: (stream: string) => void = () => undefined,
  ) {}

  /** Takes one record; writes the buffered ones ahead when the buffer is full. */
  async add(record: RecordMessage): Promise<void> {
    const table = this.tables.get(streamKey(record.record.stream, record.record.namespace));
    if (table === undefined) {
      // A stream that was not asked for (the platform drops those too): say so once.
      if (!this.skipped.has(record.record.stream)) this.onSkippedStream(record.record.stream);
      this.skipped.add(record.record.stream);
      return;
    }
    for (const field of table.primaryKeyFields) {
      const value = record.record.data[field];
      if (value === undefined || value === null)
        throw new ConnectorError(
          'ConnectorProtocolError',
          `The connector wrote a record of stream "${table.stream.name}" without its primary key field "${field}", so it cannot be merged: ${preview(record.line)}`,
        );
    }
    let lines = this.buffers.get(table);
    if (lines === undefined) this.buffers.set(table, (lines = []));
    lines.push(record.line);
    this.bufferedRecords++;
    this.bufferedChars += record.line.length;
    if (this.bufferedRecords >= this.maxBufferedRecords || this.bufferedChars >= MAX_BUFFERED_CHARS)
      await this.flush();
  }

  /** True while records or a transaction wait for a STATE. */
  get pending(): boolean {
    return this.bufferedRecords > 0 || this.em !== undefined;
  }

  /**
   * Commits the records received so far with `state` (absent: the records alone, at the clean
   * end of a connector that sent no final STATE) in one transaction, and returns what changed.
   * Throws `StaleCheckpointError` when a newer run or attempt owns the connection; everything
   * since the last commit is then rolled back.
   */
  async commit(
    state: AirbyteStateMessage | undefined,
  ): Promise<{ readonly commits: ConnectorCommits; readonly rows: number } | undefined> {
    const prepared = state === undefined ? undefined : this.prepare(state);
    if (prepared === undefined && !this.pending) return undefined;
    try {
      await this.flush();
      const em = await this.transaction();
      const tables = this.backend.tables;
      await checkCommitEpoch(em, tables, this.owner.connectionId, this.owner.epoch);
      const touched = new Map(this.written);
      const stateKey = prepared && this.checkpointKey(prepared.namespace, prepared.streamName);
      if (prepared && stateKey) {
        const id = streamKey(prepared.streamName, prepared.namespace);
        touched.set(id, touched.get(id) ?? { key: stateKey, rows: 0, table: this.tables.get(id) });
      }
      const cleaned: DestinationTable[] = [];
      for (const { table } of touched.values()) {
        if (table?.writeMethod === 'replace' && !this.replaced.has(table)) {
          await deleteReplacedRecords(em, table.qualified, this.owner.syncId);
          cleaned.push(table);
        }
      }
      const checkpoints: CheckpointEntry[] = [];
      let stateCheckpoint = 0;
      // A fixed lock order: two commits that touch the same streams cannot deadlock.
      const entries = [...touched.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [, { key, rows }] of entries) {
        const last = await lockStreamCheckpoint(em, tables, key);
        const saved = await saveStreamCheckpoint(em, tables, key, {
          checkpoint: last.checkpoint + 1,
          epoch: this.owner.epoch,
          records: rows,
        });
        if (
          stateKey &&
          key.streamName === stateKey.streamName &&
          key.namespace === stateKey.namespace
        )
          stateCheckpoint = saved.checkpoint;
        checkpoints.push({
          name: key.streamName,
          namespace: key.namespace === '' ? null : key.namespace,
          checkpoint: saved.checkpoint,
          recordsCommitted: saved.recordsCommitted,
          committedAt: saved.committedAt,
        });
      }
      if (prepared) {
        await this.backend
          .getStateWriter(this.owner.sourceName, {
            destinationName: this.owner.destinationName,
            tablePrefix: this.owner.tablePrefix,
          })
          .writeState(prepared.message, {
            em,
            audit: { connectionId: this.owner.connectionId, checkpoint: stateCheckpoint },
          });
      }
      await em.commit();
      const rows = this.uncommittedRows;
      this.em = undefined;
      this.written.clear();
      for (const table of cleaned) this.replaced.add(table);
      return {
        commits: {
          epoch: this.owner.epoch,
          checkpoints,
          messages: prepared ? [prepared.message] : [],
        },
        rows,
      };
    } catch (error) {
      await this.rollback();
      throw error;
    }
  }

  /** Rows written by the open transaction (not yet committed). */
  get uncommittedRows(): number {
    let rows = 0;
    for (const entry of this.written.values()) rows += entry.rows;
    return rows;
  }

  /** Drops the buffered records and rolls back what was written ahead. */
  async rollback(): Promise<void> {
    this.buffers.clear();
    this.bufferedRecords = 0;
    this.bufferedChars = 0;
    this.written.clear();
    const em = this.em;
    this.em = undefined;
    if (em) await em.rollback().catch(() => undefined); // a broken connection rolls back by itself
  }

  private async flush(): Promise<void> {
    if (this.bufferedRecords === 0) return;
    const em = await this.transaction();
    for (const [table, lines] of this.buffers) {
      const rows = await insertRecords(em, table, lines, this.owner.syncId);
      const id = streamKey(table.stream.name, table.stream.namespace);
      const entry = this.written.get(id) ?? {
        key: this.checkpointKey(table.stream.namespace ?? '', table.stream.name),
        rows: 0,
        table,
      };
      entry.rows += rows;
      this.written.set(id, entry);
    }
    this.buffers.clear();
    this.bufferedRecords = 0;
    this.bufferedChars = 0;
  }

  private async transaction(): Promise<EntityManager> {
    if (!this.em) {
      const em = this.backend.fork();
      await em.begin();
      this.em = em;
    }
    return this.em;
  }

  private checkpointKey(namespace: string, streamName: string): CheckpointKey {
    return { connectionId: this.owner.connectionId, namespace, streamName };
  }

  private prepare(state: AirbyteStateMessage): PreparedStateMessage {
    try {
      return prepareStateMessage(state, { maxBytes: this.backend.maxStateBytes });
    } catch (error) {
      if (error instanceof InvalidStateMessageError)
        throw new ConnectorError(
          'ConnectorProtocolError',
          `The connector wrote an invalid STATE message: ${error.message}`,
        );
      throw error;
    }
  }
}

/** The key of a stream in maps: namespace and name. */
export function streamKey(name: string, namespace: string | null | undefined): string {
  return JSON.stringify([namespace ?? '', name]);
}

/** Inserts, turning a record that does not fit its table into a clear, non-retryable error. */
async function insertRecords(
  em: EntityManager,
  table: DestinationTable,
  lines: readonly string[],
  syncId: string,
): Promise<number> {
  try {
    return await insertDestinationRecords(
      em,
      { qualified: table.qualified, columns: table.columns, primaryKey: table.primaryKey },
      lines,
      syncId,
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // 22: data exception (a value of the wrong type), 23: integrity, 42: a column that changed.
    if (typeof code === 'string' && /^(22|23|42)/.test(code)) {
      const reason = String((error as Error).message)
        .split(' - ')
        .at(-1);
      throw new ConnectorError(
        'DestinationWriteError',
        `Records of stream "${table.stream.name}" do not fit table ${table.qualified}: ${reason} (SQLSTATE ${code}). Nothing since the last commit was committed.`,
      );
    }
    throw error;
  }
}
