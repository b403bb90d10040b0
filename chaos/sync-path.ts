/**
 * The sync paths the chaos scenarios drive, in one place: the default path, `batchSyncWorkflow`,
 * whose `syncBatch` activity reads a batch with the worker's registered reader and commits it in
 * the same activity; and the records-through-the-workflow example (`recordsThroughWorkflowSync`:
 * `readSourceBatch`, then `session.checkpoint`'s `commitBatch`), kept so that `checkpoint({ records })`
 * stays covered. Also the phases of an activity attempt that the faults aim at.
 */

/** `batch`: batchSyncWorkflow + syncBatch (the default); `records`: records through the workflow. */
export type SyncPath = 'batch' | 'records';

/** The workflow type each path starts (rivals are started by this name). */
export const SYNC_WORKFLOWS: Readonly<Record<SyncPath, string>> = {
  batch: 'batchSyncWorkflow',
  records: 'recordsThroughWorkflowSync',
};

/** The name under which the chaos workers register the (fault-wrapped) sample reader. */
export const CHAOS_READER = 'sample-source';

/** The activities that commit a batch's records, state and checkpoint in one transaction. */
export const COMMIT_ACTIVITIES: readonly string[] = ['syncBatch', 'commitBatch'];

/** The phase of a `syncBatch` attempt whose reader runs. */
export const READ_PHASE = 'syncBatch: read';

/** The phase of a `syncBatch` attempt whose read returned: its commit is in flight. */
export const COMMIT_PHASE = 'syncBatch: commit';

/** True when a phase (see `EventLog.inFlight`) has a commit in flight. */
export function isCommitPhase(phase: string): boolean {
  return phase === COMMIT_PHASE || phase === 'commitBatch';
}
