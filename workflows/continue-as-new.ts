import { allHandlersFinished, condition, continueAsNew, type Workflow } from '@temporalio/workflow';

/**
 * Continues the workflow as new with `args`, after letting running query and update handlers
 * finish (so none is cut off). The new run resumes from the state in the database.
 */
export async function continueSyncAsNew<F extends Workflow>(
  ...args: Parameters<F>
): Promise<never> {
  await condition(allHandlersFinished);
  return continueAsNew<F>(...args);
}
