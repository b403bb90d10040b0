import { InvalidInputError } from '../errors';

/** How records reach a destination table: PyAirbyte's write strategies. */
export type WriteStrategy = 'auto' | 'merge' | 'append' | 'replace';

/** A resolved strategy (PyAirbyte's `WriteMethod`). */
export type WriteMethod = 'merge' | 'append' | 'replace';

/** The write strategies accepted in input. */
export const WRITE_STRATEGIES: readonly WriteStrategy[] = ['auto', 'merge', 'append', 'replace'];

/**
 * Resolves a stream's write strategy as PyAirbyte does (`CatalogProvider.resolve_write_method`):
 * `merge` needs a primary key; `auto` picks `merge` when the stream has a primary key, else
 * `append` when it is read incrementally by a cursor, else `replace`. (PyAirbyte configures every
 * stream as incremental, so its "has a cursor" is our "incremental with a cursor".)
 */
export function resolveWriteMethod(
  stream: string,
  strategy: WriteStrategy,
  has: { readonly primaryKey: boolean; readonly incrementalCursor: boolean },
): WriteMethod {
  if (strategy === 'merge' && !has.primaryKey)
    throw new InvalidInputError(
      `writeStrategy of stream "${stream}"`,
      'a strategy other than merge (the stream has no primary key), or a primaryKey for it',
      '"merge"',
    );
  if (strategy !== 'auto') return strategy;
  if (has.primaryKey) return 'merge';
  if (has.incrementalCursor) return 'append';
  return 'replace';
}

/** The `destination_sync_mode` that tells the connector how its records are written. */
export function destinationSyncMode(method: WriteMethod): 'append_dedup' | 'append' | 'overwrite' {
  return method === 'merge' ? 'append_dedup' : method === 'append' ? 'append' : 'overwrite';
}
