/**
 * The state operations behind the `temporal-sync-state` CLI, as library functions: list, get,
 * set, clear, copy, move and roll back state. Every change is one transaction that also records
 * the change in the state history and fences off the runs of the connections it concerns.
 */
export { listStates } from './list-states';
export type { ListStatesFilter, StateListEntry } from './list-states';
export { getState } from './get-state';
export type { GetStateOptions } from './get-state';
export { setState } from './set-state';
export type { SetStateResult } from './set-state';
export { clearState } from './clear-state';
export type { ClearStateOperationOptions, ClearStateResult } from './clear-state';
export { copyState, moveState } from './copy-state';
export type { CopyStateOptions, CopyStateResult } from './copy-state';
export { rollbackState } from './rollback-state';
export type { RollbackStateOperationOptions, RollbackStateResult } from './rollback-state';
export { parseStateInput } from './state-input';
export type * from './types';
