/**
 * The library's sync workflows, for a worker's `workflowsPath` (the `temporal-sync-state/workflows`
 * entry): `workflowsPath: require.resolve('temporal-sync-state/workflows')`.
 */
export { batchSyncWorkflow } from './batch-sync-workflow';
export type { BatchSyncInput, BatchSyncStream, SyncActivityOptions } from './batch-sync-workflow';
export { connectorSyncWorkflow } from './connector-sync-workflow';
