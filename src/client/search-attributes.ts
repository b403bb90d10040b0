import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { syncSearchAttributes } from '../../workflows/definitions';

/**
 * Registers the `Sync*` search attributes in a namespace (an operator call; on Temporal Cloud,
 * add them in the UI or with tcld instead). Already registered ones are left as they are.
 */
export async function registerSyncSearchAttributes(
  connection: Connection,
  namespace = 'default',
): Promise<void> {
  const existing = await listedSearchAttributes(connection, namespace);
  const missing = Object.values(syncSearchAttributes).filter((key) => !existing.has(key.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]),
    ),
  });
}

/** True when every `Sync*` search attribute is registered, so a sync may upsert them. */
export async function syncSearchAttributesRegistered(
  connection: Connection,
  namespace = 'default',
): Promise<boolean> {
  const existing = await listedSearchAttributes(connection, namespace);
  return Object.values(syncSearchAttributes).every((key) => existing.has(key.name));
}

async function listedSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<Set<string>> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  return new Set(Object.keys(listed.customAttributes ?? {}));
}
