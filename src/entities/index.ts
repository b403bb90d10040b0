import { CacheStreamState } from './cache-stream-state';
import { DestinationStreamState } from './destination-stream-state';
import { StateVersion } from './state-version';
import { SyncCheckpoint } from './sync-checkpoint';
import { SyncConnection } from './sync-connection';
import { SyncTable } from './sync-table';

export {
  CacheStreamState,
  DestinationStreamState,
  StateVersion,
  SyncCheckpoint,
  SyncConnection,
  SyncTable,
};
export type { ICacheStreamState } from './cache-stream-state';
export type { IDestinationStreamState } from './destination-stream-state';
export type { IStateVersion } from './state-version';
export type { ISyncCheckpoint } from './sync-checkpoint';
export type { ISyncConnection } from './sync-connection';
export type { ISyncTable } from './sync-table';

/** Every entity of this library: add them to your own MikroORM config's `entities` if you query them. */
export const syncStateEntities = [
  CacheStreamState,
  DestinationStreamState,
  SyncConnection,
  SyncCheckpoint,
  StateVersion,
  SyncTable,
] as const;
