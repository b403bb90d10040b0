import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { CommitTransaction } from '../backend/commit/commit-transaction';
import type { GenerationCompletion } from '../backend/commit/generation-steps';
import type { StreamCommit } from '../backend/commit/types';
import { RecordsRefusedError } from '../backend/commit/record-errors';
import type { PreparedStateMessage } from '../protocol/validate';
import type { CheckpointEntry } from '../activity-bodies/types';
import { ConnectorError } from './connector-error';
import type { RecordMessage } from './connector-messages';
import type { DestinationTable } from './destination-table';
import { preview } from './parse-message';
import type { ConnectorCommits } from './sync-types';

/** Default records held between two STATE messages before they are written ahead. */
export const DEFAULT_MAX_BUFFERED_RECORDS = 10_000;
/** Characters of record lines held before they are written ahead: 32 Mi. */
const MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

/** Where a stream's records go: its table (or a refresh's staging table), in which generation. */
export interface WriteTarget {
  readonly table: DestinationTable;
  readonly generationId: number;
}

/** What one commit carries besides the records received so far. */
export interface CommitContent {
  /** The STATE to commit with them; absent: the records alone (at the clean end of a connector). */
  readonly state?: PreparedStateMessage;
  /** Refreshes whose read completed, to put in place in the same transaction. Default: none. */
  readonly completions?: readonly GenerationCompletion[];
}

/** What a commit did. */
export interface CommitResult {
  readonly commits: ConnectorCommits;
  /** Rows it wrote. */
  readonly rows: number;
  /** Streams whose refresh it completed. */
  readonly refreshesCompleted: readonly string[];
}

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
 * STATE together with that STATE, through the backend's one commit step (the run's fence, every
 * touched stream's checkpoint, the state, in ONE transaction). Records wait in memory until the
 * STATE; past a bound they are written ahead inside the transaction that the STATE will commit,
 * so memory stays bounded and nothing is visible before its state is.
 */
export class CommitWriter {
  private readonly buffers = new Map<WriteTarget, string[]>();
  private bufferedRecords = 0;
  private bufferedChars = 0;
  /** The open transaction, once records were written ahead. */
  private tx: CommitTransaction | undefined;
  /** Rows written ahead in the open transaction, per stream key. */
  private readonly written = new Map<string, { table: DestinationTable; rows: number }>();
  private readonly skipped = new Set<string>();
  /** The kind of the last state this attempt committed: a commit of another kind supersedes. */
  private lastStateType: string | undefined;

  constructor(
    private readonly backend: SqlStateBackend,
    private readonly owner: CommitOwner,
    private readonly targets: ReadonlyMap<string, WriteTarget>,
    private readonly maxBufferedRecords = DEFAULT_MAX_BUFFERED_RECORDS,
    private readonly onSkippedStream: (stream: string) => void = () => undefined,
  ) {}

  /** Takes one record; writes the buffered ones ahead when the buffer is full. */
  async add(record: RecordMessage): Promise<void> {
    const target = this.targets.get(streamKey(record.record.stream, record.record.namespace));
    if (target === undefined) {
      // A stream that was not asked for (the platform drops those too): say so once.
      if (!this.skipped.has(record.record.stream)) this.onSkippedStream(record.record.stream);
      this.skipped.add(record.record.stream);
      return;
    }
    const table = target.table;
    for (const field of table.primaryKeyFields) {
      const value = record.record.data[field];
      if (value === undefined || value === null)
        throw new ConnectorError(
          'ConnectorProtocolError',
          `The connector wrote a record of stream "${table.stream.name}" without its primary key field "${field}", so it cannot be merged: ${preview(record.line)}`,
        );
    }
    let lines = this.buffers.get(target);
    if (lines === undefined) this.buffers.set(target, (lines = []));
    lines.push(record.line);
    this.bufferedRecords++;
    this.bufferedChars += record.line.length;
    if (this.bufferedRecords >= this.maxBufferedRecords || this.bufferedChars >= MAX_BUFFERED_CHARS)
      await this.flush();
  }

  /** True while records or a transaction wait for a STATE. */
  get pending(): boolean {
    return this.bufferedRecords > 0 || this.tx !== undefined;
  }

  /**
   * Commits the records received so far with the content's STATE and completed refreshes in one
   * transaction, and returns what changed (nothing to commit: `undefined`). Throws
   * `StaleCheckpointError` when a newer run or attempt owns the connection; everything since the
   * last commit is then rolled back.
   */
  async commit(content: CommitContent = {}): Promise<CommitResult | undefined> {
    const { state, completions = [] } = content;
    if (state === undefined && completions.length === 0 && !this.pending) return undefined;
    try {
      await this.flush();
      const touched = new Map<string, number>();
      for (const [id, { rows }] of this.written) touched.set(id, rows);
      if (state) {
        const id = streamKey(state.streamName, state.namespace);
        touched.set(id, touched.get(id) ?? 0);
      }
      const streams: StreamCommit[] = [...touched].map(([id, rows]) => {
        const [namespace, streamName] = JSON.parse(id) as [string, string];
        return { key: { namespace, streamName }, checkpoint: 'next', rowsWrittenAhead: rows };
      });
      const owner = {
        sourceName: this.owner.sourceName,
        destinationName: this.owner.destinationName,
        tablePrefix: this.owner.tablePrefix,
      };
      const tx = this.tx ?? this.backend.commits.begin();
      this.tx = undefined;
      const outcome = await tx.commit({
        fence: { connectionId: this.owner.connectionId, epoch: this.owner.epoch },
        streams,
        state: state && {
          owner,
          messages: [state],
          supersedeOtherTypes: state.type !== this.lastStateType,
        },
        generations:
          completions.length > 0
            ? { connectionId: this.owner.connectionId, owner, complete: completions }
            : undefined,
      });
      if (state) this.lastStateType = state.type;
      const rows = this.uncommittedRows;
      this.written.clear();
      const checkpoints: CheckpointEntry[] = outcome.checkpoints.map((c) => ({
        name: c.key.streamName,
        namespace: c.key.namespace === '' ? null : c.key.namespace,
        checkpoint: c.checkpoint,
        recordsCommitted: c.recordsCommitted,
        committedAt: c.committedAt,
      }));
      return {
        commits: { epoch: this.owner.epoch, checkpoints, messages: state ? [state.message] : [] },
        rows,
        refreshesCompleted: outcome.refreshesCompleted ?? [],
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
    const tx = this.tx;
    this.tx = undefined;
    await tx?.rollback();
  }

  private async flush(): Promise<void> {
    if (this.bufferedRecords === 0) return;
    this.tx ??= this.backend.commits.begin();
    for (const [target, lines] of this.buffers) {
      const rows = await this.insert(this.tx, target, lines);
      const table = target.table;
      const id = streamKey(table.stream.name, table.stream.namespace);
      const entry = this.written.get(id) ?? { table, rows: 0 };
      entry.rows += rows;
      this.written.set(id, entry);
    }
    this.buffers.clear();
    this.bufferedRecords = 0;
    this.bufferedChars = 0;
  }

  /** Writes ahead, turning records the table refuses into a clear, non-retryable error. */
  private async insert(
    tx: CommitTransaction,
    { table, generationId }: WriteTarget,
    lines: readonly string[],
  ): Promise<number> {
    try {
      return await tx.writeRecords(table, lines, this.owner.syncId, generationId);
    } catch (error) {
      if (error instanceof RecordsRefusedError)
        throw new ConnectorError(
          'DestinationWriteError',
          `Records of stream "${table.stream.name}" do not fit table ${table.qualified}: ${error.reason} (SQLSTATE ${error.sqlState}). Nothing since the last commit was committed.`,
        );
      throw error;
    }
  }
}

/** The key of a stream in maps: namespace and name. */
export function streamKey(name: string, namespace: string | null | undefined): string {
  return JSON.stringify([namespace ?? '', name]);
}
