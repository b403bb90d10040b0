import type { EntityManager } from '@mikro-orm/postgresql';
import type { CheckpointEntry } from '../activity-bodies/types';
import { fenceRuns } from './commit/fence';
import { claimConnection } from './sql/claim-connection';
import { type AttemptOrder, claimConnectionAttempt } from './sql/claim-connection-attempt';
import type { SqlExecutor, StateTables } from './sql/executor';
import type { ClaimOwner } from './sql/owner-claims';
import { type HistoryOwner, selectOwnerConnections } from './sql/owner-connections';
import { selectConnectionOwner } from './sql/select-connection-owner';
import { selectCheckpoints } from './sql/stream-checkpoints';

export type { ClaimOwner } from './sql/owner-claims';
export type { AttemptOrder } from './sql/claim-connection-attempt';
export type { HistoryOwner } from './sql/owner-connections';

/** What {@link SyncConnections} needs of its backend. */
interface ConnectionsPort {
  readonly tables: StateTables;
  fork(): EntityManager;
  migrate(): Promise<void>;
}

/**
 * The runs that own connections, as the backend records them: claims (the fencing epochs that
 * commits must carry), checkpoints, and which connections sync whose state. Reached as
 * `backend.connections`; the commit step checks claims (src/backend/commit/fence.ts).
 */
export class SyncConnections {
  constructor(private readonly port: ConnectionsPort) {}

  /**
   * Makes `runOwner` the run of `connectionId` and returns its epoch (one more than the previous
   * run's; the same when the same owner claims again), recording whose state the run syncs.
   */
  async claim(connectionId: string, runOwner: string, stateOwner: ClaimOwner): Promise<number> {
    await this.port.migrate();
    return this.port
      .fork()
      .transactional((em) =>
        claimConnection(em, this.port.tables, connectionId, runOwner, stateOwner),
      );
  }

  /**
   * Makes one call (and attempt) of an activity of the run `runOwner` the owner, so that earlier
   * calls or attempts still running are fenced off; `undefined` when a newer run or a later call
   * or attempt owns the connection.
   */
  async claimAttempt(
    connectionId: string,
    runOwner: string,
    order: AttemptOrder,
  ): Promise<number | undefined> {
    await this.port.migrate();
    return this.port
      .fork()
      .transactional((em) =>
        claimConnectionAttempt(em, this.port.tables, connectionId, runOwner, order),
      );
  }

  /** The current epoch of a connection, `undefined` when no run ever claimed it. */
  async epoch(connectionId: string): Promise<number | undefined> {
    await this.port.migrate();
    const rows = await this.port
      .fork()
      .execute<{ epoch: string }[]>(
        `select epoch from ${this.port.tables.connections} where connection_id = ?`,
        [connectionId],
      );
    return rows[0] ? Number(rows[0].epoch) : undefined;
  }

  /** The last committed checkpoint of each stream of a connection (streams never committed are absent). */
  async checkpoints(connectionId: string, db?: SqlExecutor): Promise<CheckpointEntry[]> {
    await this.port.migrate();
    const rows = await selectCheckpoints(db ?? this.port.fork(), this.port.tables, connectionId);
    return rows.map((row) => ({
      name: row.stream_name,
      namespace: row.stream_namespace === '' ? null : row.stream_namespace,
      checkpoint: Number(row.checkpoint),
      recordsCommitted: Number(row.records_committed),
      committedAt: new Date(row.committed_at).toISOString(),
    }));
  }

  /** The connections whose commits wrote state of `owner` (as the history recorded), newest first. */
  async ofOwner(owner: HistoryOwner, db?: SqlExecutor): Promise<string[]> {
    await this.port.migrate();
    return selectOwnerConnections(db ?? this.port.fork(), this.port.tables, owner);
  }

  /**
   * Fences off the runs of `connectionIds` inside the caller's transaction, for an edit of their
   * state made outside them (see `fenceRuns`). Returns those it fenced.
   */
  fence(db: SqlExecutor, connectionIds: readonly string[], by: string): Promise<string[]> {
    return fenceRuns(db, this.port.tables, connectionIds, by);
  }

  /** Whose state the latest commit of `connectionId` wrote, if the history keeps it. */
  async ownerOf(connectionId: string): Promise<HistoryOwner | undefined> {
    await this.port.migrate();
    return selectConnectionOwner(this.port.fork(), this.port.tables, connectionId);
  }
}
