/**
 * The chaos workers' workflow interceptor, bundled into their workflow code. Every activity gets
 * a start-to-close timeout of {@link CHAOS_ACTIVITY_TIMEOUT}: an activity whose worker is SIGKILLed
 * is retried only when that timeout expires (nothing else tells Temporal the worker died), so the
 * workflow's own timeouts (60 s for the state activities, 5 minutes for the source) would make
 * every kill cost minutes. And no activity is dispatched eagerly to the worker that ran the
 * workflow task: every activity goes through the task queue, so that with several workers any of
 * them may run it. Nothing else about the sync changes: same workflow, same retry policies.
 * Sandboxed workflow code: imports only `@temporalio/workflow` types.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** Start-to-close timeout of every activity the chaos workers' workflows schedule, in ms: 4 s. */
export const CHAOS_ACTIVITY_TIMEOUT_MS = 4000;

/** {@link CHAOS_ACTIVITY_TIMEOUT_MS} as the workflow's activity option. */
export const CHAOS_ACTIVITY_TIMEOUT = CHAOS_ACTIVITY_TIMEOUT_MS;

/** Read by the worker's bundler (`workflowInterceptorModules`). */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity: (input, next) =>
        next({
          ...input,
          options: {
            ...input.options,
            startToCloseTimeout: CHAOS_ACTIVITY_TIMEOUT,
            allowEagerDispatch: false,
          },
        }),
    },
  ],
});
