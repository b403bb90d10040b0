import type { SqlStateBackend } from '../backend/sql-state-backend';
import type { SqlExecutor } from '../backend/executor';
import type { AirbyteStateMessage } from '../protocol/types';
import type { ResolvedOwner } from './owner';
import type { WrittenVersion } from './types';

/**
 * The versions a write of `messages` just added, read back inside its transaction: the write
 * still holds each stream's row lock, so the newest version of each stream is the one it wrote.
 */
export async function newestVersions(
  em: SqlExecutor,
  backend: SqlStateBackend,
  owner: ResolvedOwner,
  messages: readonly AirbyteStateMessage[],
): Promise<WrittenVersion[]> {
  const written: WrittenVersion[] = [];
  for (const message of messages) {
    const stream =
      message.type === 'STREAM' && message.stream
        ? {
            name: message.stream.stream_descriptor.name,
            namespace: message.stream.stream_descriptor.namespace ?? null,
          }
        : { name: message.type === 'GLOBAL' ? '_GLOBAL' : '_LEGACY', namespace: null };
    const [entry] = await backend.getStateHistory(owner.sourceName, {
      destinationName: owner.destinationName,
      tablePrefix: owner.tablePrefix,
      stream,
      limit: 1,
      em,
    });
    if (entry)
      written.push({ streamName: stream.name, namespace: entry.namespace, version: entry.version });
  }
  return written;
}
