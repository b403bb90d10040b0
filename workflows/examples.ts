/**
 * The example sync workflows, for a worker's `workflowsPath`:
 * `workflowsPath: require.resolve('temporal-sync-state/example-workflows')`.
 */
export { batchSyncWorkflow } from './batch-sync-workflow';
export type { BatchSyncInput } from './batch-sync-workflow';
export { connectorSyncWorkflow } from './connector-sync-workflow';
