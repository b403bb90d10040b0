import { SAMPLE_STREAM_NAMES } from '../../examples/sample-source/streams';
import type { SeededRandom } from '../random';
import type { ChaosConnection } from '../sync-run';
import type { SyncPath } from '../sync-path';
import { batchKey, type BatchFault } from '../worker-faults';

/** Batches per stream of a connection's sync. */
export function batchesPerStream(connection: ChaosConnection, batchSize: number): number {
  return Math.ceil(connection.count / batchSize);
}

/** `count` distinct batches of a connection's sync, drawn from `random`, as `batchKey`s. */
export function pickBatches(
  random: SeededRandom,
  connection: ChaosConnection,
  batchSize: number,
  count: number,
): string[] {
  const perStream = batchesPerStream(connection, batchSize);
  return random.sample(count, 0, perStream * SAMPLE_STREAM_NAMES.length - 1).map((i) => {
    const stream = SAMPLE_STREAM_NAMES[Math.floor(i / perStream)] as string;
    return batchKey(connection.connectionId, stream, (i % perStream) + 1);
  });
}

/**
 * `count` distinct points of progress (batches committed) in the first three quarters of a sync
 * of `total` batches, ascending: a fault planned there always lands before the sync ends.
 */
export function pickProgressPoints(random: SeededRandom, total: number, count: number): number[] {
  return random.sample(count, 1, Math.max(count, Math.floor((total * 3) / 4)));
}

/**
 * The batches at which the workers kill themselves, all distinct: `afterCommit` of them right
 * after the commit, `beforeCommit` before it, inside the read and between the read and the
 * commit in turn (on the records path, whose read is an activity of its own, all of those at the
 * start of the commit, i.e. between the read and the commit).
 */
export function pickSelfKills(
  random: SeededRandom,
  connection: ChaosConnection,
  batchSize: number,
  counts: { readonly afterCommit: number; readonly beforeCommit: number; readonly path: SyncPath },
): BatchFault[] {
  const total = counts.afterCommit + counts.beforeCommit;
  const batches = pickBatches(random, connection, batchSize, total);
  const after = new Set(random.sample(counts.afterCommit, 0, batches.length - 1));
  let before = 0;
  return batches.map((batch, i): BatchFault => {
    if (after.has(i)) return { batch, at: 'afterCommit' };
    return { batch, at: counts.path === 'batch' && before++ % 2 === 0 ? 'read' : 'afterRead' };
  });
}
