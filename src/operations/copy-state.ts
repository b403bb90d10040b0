import type { ClearedStreamState } from '../backend/clear-states';
import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { StreamRef } from '../backend/state-provider';
import { InvalidInputError } from '../errors';
import { fenceOwners } from './fence';
import { getState, rowName, rowNamespace } from './get-state';
import { describeOwner, type ResolvedOwner, resolveOwner } from './owner';
import { newestVersions } from './written-versions';
import type { StateChangeOptions, StateChangeResult, StateOwnerRef, WrittenVersion } from './types';

/** Options of {@link copyState} and {@link moveState}. */
export interface CopyStateOptions extends StateChangeOptions {
  /** Only these streams (`_GLOBAL` / `_LEGACY` for those kinds). Default: every stream. */
  readonly streams?: readonly StreamRef[];
}

/** What {@link copyState} or {@link moveState} did. */
export interface CopyStateResult extends StateChangeResult {
  /** The versions written to the target, one per stream; empty when the origin has no state. */
  readonly written: WrittenVersion[];
  /** What a move removed from the origin (nothing for a copy). */
  readonly removed: ClearedStreamState[];
}

/**
 * Copies state from one owner to another (another source, destination or table prefix) in one
 * transaction: each copied stream replaces the target's; the target's other streams stay.
 * Recorded in the history as `copy`; the target's connections are fenced.
 */
export function copyState(
  backend: SqlStateBackend,
  from: StateOwnerRef,
  to: StateOwnerRef,
  options: CopyStateOptions = {},
): Promise<CopyStateResult> {
  return transfer(backend, from, to, options, 'copy');
}

/**
 * Moves state from one owner to another: a copy, and the removal of the copied streams from the
 * origin, in one transaction. Both owners' connections are fenced.
 */
export function moveState(
  backend: SqlStateBackend,
  from: StateOwnerRef,
  to: StateOwnerRef,
  options: CopyStateOptions = {},
): Promise<CopyStateResult> {
  return transfer(backend, from, to, options, 'move');
}

async function transfer(
  backend: SqlStateBackend,
  fromRef: StateOwnerRef,
  toRef: StateOwnerRef,
  options: CopyStateOptions,
  operation: 'copy' | 'move',
): Promise<CopyStateResult> {
  const from = resolveOwner(backend, fromRef, 'from');
  const to = resolveOwner(backend, toRef, 'to');
  if (sameOwner(from, to))
    throw new InvalidInputError('to', `another owner than the origin`, describeOwner(to));
  await backend.migrate();
  try {
    return await backend.fork().transactional(async (em) => {
      // Fence first, then read. Raising the epochs waits for the fenced connections' commits in
      // flight (they hold their connection row `for share`) and refuses theirs from now on; the
      // row locks then wait for any other writer of the origin and keep it out until we commit.
      // Read first, and a commit landing in between would be moved as its older state.
      const owners = operation === 'move' ? [from, to] : [to];
      const fencedConnections = await fenceOwners(em, backend, owners, options, operation);
      await backend.lockStateRows(em, from, operation === 'move' ? 'update' : 'share');
      const { messages } = await getState(backend, from, { streams: options.streams, em });
      if (messages.length === 0) throw NOTHING_TO_COPY; // nothing changed: undo the fencing too
      const note = (text: string) => [text, options.note].filter(Boolean).join('; ');
      const writer = backend.getStateWriter(to.sourceName, {
        destinationName: to.destinationName,
        tablePrefix: to.tablePrefix,
      });
      await writer.writeStates(messages, {
        em,
        author: options.author,
        note: note(`${operation === 'copy' ? 'copied' : 'moved'} from ${describeOwner(from)}`),
        audit: { operation },
      });
      const written = await newestVersions(em, backend, to, messages);
      let removed: ClearedStreamState[] = [];
      if (operation === 'move') {
        removed = await backend.clearStateRows(from.sourceName, {
          destinationName: from.destinationName,
          tablePrefix: from.tablePrefix,
          streams: messages.map((m) => ({ name: rowName(m), namespace: rowNamespace(m) })),
          author: options.author,
          note: note(`moved to ${describeOwner(to)}`),
          audit: { operation: 'move' },
          em,
        });
      }
      return { written, removed, fencedConnections };
    });
  } catch (error) {
    if (error === NOTHING_TO_COPY) return { written: [], removed: [], fencedConnections: [] };
    throw error;
  }
}

/** Rolls back a copy or move whose origin has no state. */
const NOTHING_TO_COPY = new Error('nothing to copy');

function sameOwner(a: ResolvedOwner, b: ResolvedOwner): boolean {
  return (
    a.sourceName === b.sourceName &&
    a.destinationName === b.destinationName &&
    a.tablePrefix === b.tablePrefix
  );
}
