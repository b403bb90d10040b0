/**
 * The sync path the chaos scenarios drive, in one place (today the records-through-the-workflow
 * example, whose read and commit are separate activities): the workflow that
 * `startSyncWorkflow` starts, and the name of the activity that commits a batch (the one whose
 * attempts the faults aim at and whose outcomes the checks read). When the example workflow
 * moves to another commit activity, this file is what changes.
 */

/** The workflow type `startSyncWorkflow` starts (rivals are started by this name). */
export const SYNC_WORKFLOW = 'recordsThroughWorkflowSync';

/** The activity that commits a batch's records, state and checkpoint in one transaction. */
export const COMMIT_ACTIVITY = 'commitBatch';
