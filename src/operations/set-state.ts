import type { SqlStateBackend } from '../backend/sql-state-backend';
import { describeValue, InvalidInputError } from '../errors';
import { fenceOwners } from './fence';
import { resolveOwner } from './owner';
import { newestVersions } from './written-versions';
import type { StateChangeOptions, StateChangeResult, StateOwnerRef, WrittenVersion } from './types';

/** What {@link setState} did. */
export interface SetStateResult extends StateChangeResult {
  /** One version per stream written. */
  readonly written: WrittenVersion[];
}

/**
 * Writes state messages for an owner in one transaction (each replaces its stream's state; other
 * streams keep theirs), records them in the history as `set`, and fences off the owner's
 * connections. Validated like any write: one invalid message and nothing is written.
 */
export async function setState(
  backend: SqlStateBackend,
  owner: StateOwnerRef,
  messages: readonly unknown[],
  options: StateChangeOptions = {},
): Promise<SetStateResult> {
  const resolved = resolveOwner(backend, owner);
  if (!Array.isArray(messages) || messages.length === 0)
    throw new InvalidInputError(
      'messages',
      'a non-empty array of state messages',
      describeValue(messages),
    );
  await backend.migrate();
  return backend.fork().transactional(async (em) => {
    // Connections first, as commits lock them: the other order could deadlock with a commit.
    const fencedConnections = await fenceOwners(em, backend, [resolved], options, 'set');
    const writer = backend.getStateWriter(resolved.sourceName, {
      destinationName: resolved.destinationName,
      tablePrefix: resolved.tablePrefix,
    });
    await writer.writeStates(messages, {
      em,
      author: options.author,
      note: options.note,
      audit: { operation: 'set' },
    });
    const written = await newestVersions(em, backend, resolved, writer.stateMessageArtifacts);
    return { written, fencedConnections };
  });
}
