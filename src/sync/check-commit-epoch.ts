import { lockConnectionEpoch } from '../backend/sql/claim-connection';
import type { SqlExecutor, StateTables } from '../backend/sql/executor';
import { StaleCheckpointError } from '../errors';

/**
 * Checks, inside a commit's transaction, that `epoch` is still the connection's, and locks it
 * until the transaction ends so that no newer run can claim the connection in between. Throws
 * {@link StaleCheckpointError} when a newer run (or attempt) has claimed it, or none ever did.
 */
export async function checkCommitEpoch(
  db: SqlExecutor,
  tables: StateTables,
  connectionId: string,
  epoch: number,
): Promise<void> {
  const current = await lockConnectionEpoch(db, tables, connectionId);
  if (current !== epoch) {
    throw new StaleCheckpointError(
      connectionId,
      current === undefined
        ? `it carries epoch ${epoch} but no run has claimed the connection (call startSync first)`
        : `a newer run claimed the connection (epoch ${current}); this commit carries epoch ${epoch}`,
    );
  }
}
