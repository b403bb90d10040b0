import { CacheStreamState } from './cache-stream-state';
import { DestinationStreamState } from './destination-stream-state';

export { CacheStreamState, DestinationStreamState };
export type { ICacheStreamState } from './cache-stream-state';
export type { IDestinationStreamState } from './destination-stream-state';

/** Every entity of this library: add them to your own MikroORM config's `entities`. */
export const syncStateEntities = [CacheStreamState, DestinationStreamState] as const;
