import type { EntityManager } from '@mikro-orm/postgresql';
import type { StateTables } from '../sql/executor';
import { CommitTransaction, type CommitPort } from './commit-transaction';
import { TableChangedError } from './record-errors';
import type { RecordTable } from './record-table';
import { RecordTables } from './record-tables';
import type { CommitOutcome, CommitPlan } from './types';

/** What {@link SyncCommits} needs of its backend, besides what a commit needs. */
export interface SyncCommitsPort extends Omit<CommitPort, 'recordTables'> {
  migrate(): Promise<void>;
}

/**
 * The commits of syncs, reached as `backend.commits`: the one commit step in a transaction of
 * its own ({@link commit}), or with records written ahead ({@link begin}), and the record tables
 * they write to, checked once per worker.
 */
export class SyncCommits {
  private readonly recordTables = new RecordTables();

  constructor(private readonly port: SyncCommitsPort) {}

  /**
   * Runs the commit step (see `CommitTransaction`): fence, checkpoints, records, state, in one
   * transaction. Tried once more when a table this worker had checked changed behind its back,
   * checking it then, so that a warm worker answers like a fresh one.
   */
  async commit(plan: CommitPlan): Promise<CommitOutcome> {
    await this.port.migrate();
    try {
      return await this.begin().commit(plan);
    } catch (error) {
      if (!(error instanceof TableChangedError)) throw error;
      return this.begin().commit(plan);
    }
  }

  /** A commit whose records are written ahead (a connector's, while they wait for their STATE). */
  begin(): CommitTransaction {
    return new CommitTransaction({ ...this.port, recordTables: this.recordTables });
  }

  /**
   * Creates or checks the record tables of a run in one transaction (layout and owning stream;
   * columns a newer schema has are added), before its first commit.
   */
  async prepareTables(tables: readonly RecordTable[]): Promise<void> {
    await this.port.migrate();
    const remember: (() => void)[] = [];
    await this.port.fork().transactional(async (em: EntityManager) => {
      for (const table of tables) {
        const prepared = await this.recordTables.prepare(em, this.port.tables, table, {
          recheck: true,
        });
        if (prepared !== 'trusted') remember.push(prepared);
      }
    });
    for (const done of remember) done();
  }

  /** The state tables, for `CommitPort` consumers that log them. */
  get tables(): StateTables {
    return this.port.tables;
  }
}
