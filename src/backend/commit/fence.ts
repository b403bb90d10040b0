import { StaleCheckpointError } from '../../errors';
import { lockConnectionEpoch } from '../sql/claim-connection';
import type { SqlExecutor, StateTables } from '../sql/executor';
import { fenceConnections } from '../sql/fence-connections';
import { lockOwnerClaims } from '../sql/owner-claims';
import type { StateWriterKey } from '../sql-state-writer';
import type { CommitFence } from './types';

/** What passing the fence did: connections a forced write fenced, for the history's note. */
export interface FencePassed {
  readonly fencedConnections: readonly string[];
}

/**
 * Where a write is checked against the runs that own connections (this file is the one place of
 * fencing: {@link passFence} for writes, {@link fenceRuns} for edits), inside the
 * write's transaction and before anything is written. The rows it reads stay locked until the
 * transaction ends, so that no run can claim the connection between this check and the commit.
 * Throws {@link StaleCheckpointError} when the write may not go through.
 */
export async function passFence(
  db: SqlExecutor,
  tables: StateTables,
  fence: CommitFence,
  stateOwner: StateWriterKey | undefined,
): Promise<FencePassed> {
  const none: FencePassed = { fencedConnections: [] };
  if (fence.connectionId !== undefined) {
    const { connectionId, epoch } = fence;
    const current = await lockConnectionEpoch(db, tables, connectionId);
    if (epoch === undefined) {
      if (current === undefined) return none; // a commit outside any sync run: nothing to fence
      throw new StaleCheckpointError(
        connectionId,
        `it carries no epoch, but a run has claimed the connection (epoch ${current}); pass the epoch that startSync returned to that run`,
      );
    }
    if (current !== epoch)
      throw new StaleCheckpointError(
        connectionId,
        current === undefined
          ? `it carries epoch ${epoch} but no run has claimed the connection (call startSync first)`
          : `a newer run claimed the connection (epoch ${current}); this commit carries epoch ${epoch}`,
      );
    return none;
  }
  if (stateOwner === undefined) return none;
  const owner = {
    sourceName: stateOwner.sourceName,
    destinationName: stateOwner.destinationName ?? '',
    tablePrefix: stateOwner.tablePrefix,
  };
  const claims = await lockOwnerClaims(db, tables, owner, fence.force ? 'update' : 'share');
  if (claims.length === 0) return none;
  const ids = claims.map((claim) => claim.connectionId);
  if (!fence.force)
    throw new StaleCheckpointError(
      ids[0] ?? '',
      `the state write carries no claim, but connection${ids.length > 1 ? 's' : ''} ${ids.join(', ')} sync${ids.length > 1 ? '' : 's'} this state; pass connectionId and the epoch of its run, or force the write (recorded in the history; it fences those runs)`,
    );
  return { fencedConnections: await fenceRuns(db, tables, ids, 'forced state write') };
}

/**
 * Fences off the runs of `connectionIds` that have been claimed, for an edit of their state made
 * outside them (the state operations, a forced write): raises each epoch and makes `by` the
 * owner, so that their commits fail as stale from now on and cannot write older state over the
 * edit. Inside the caller's transaction. Returns the connections it fenced.
 */
export function fenceRuns(
  db: SqlExecutor,
  tables: StateTables,
  connectionIds: readonly string[],
  by: string,
): Promise<string[]> {
  return fenceConnections(db, tables, connectionIds, by);
}
