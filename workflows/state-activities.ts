import {
  type ActivityOptions,
  type LocalActivityOptions,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { StateActivities } from '../activities/create-state-activities';
import { NON_RETRYABLE_ERROR_TYPES } from './definitions';

export { NON_RETRYABLE_ERROR_TYPES } from './definitions';

/** Options of {@link proxyStateActivities}. */
export interface StateActivityOptions {
  /** The worker's `activityNamePrefix` (see `SyncStatePlugin`). Default: `''`. */
  readonly activityNamePrefix?: string;
  /** Run them as local activities (fewer history events, no task queue round trip). Default: `false`. */
  readonly local?: boolean;
  /**
   * Options of the state activities (startSync, commitBatch, getState, writeState, resetStreams),
   * merged over {@link DEFAULT_STATE_ACTIVITY_OPTIONS}: 60 s start-to-close, retried forever
   * every 1 s doubling to 30 s (a database restart is waited out), never on input or stale errors.
   */
  readonly activityOptions?: ActivityOptions & LocalActivityOptions;
  /**
   * Options of `syncBatch` (a read and a commit), merged over {@link DEFAULT_BATCH_ACTIVITY_OPTIONS}:
   * 10 min start-to-close, 30 s heartbeat timeout (the activity heartbeats while its reader runs,
   * so a dead worker's batch is retried elsewhere after 30 s), the same retry policy.
   */
  readonly batchActivityOptions?: ActivityOptions & LocalActivityOptions;
}

/** Default options of the state activities. */
export const DEFAULT_STATE_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/** Default options of the `syncBatch` activity. */
export const DEFAULT_BATCH_ACTIVITY_OPTIONS: ActivityOptions = {
  ...DEFAULT_STATE_ACTIVITY_OPTIONS,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
};

/** The state activities, typed, for use in a workflow. */
export function proxyStateActivities(options: StateActivityOptions = {}): StateActivities {
  const proxy = (defaults: ActivityOptions, given: ActivityOptions | undefined) => {
    // The retry policy is merged too, so that e.g. `{ retry: { maximumAttempts: 5 } }` keeps
    // the non-retryable error types.
    const merged = { ...defaults, ...given, retry: { ...defaults.retry, ...given?.retry } };
    return options.local
      ? proxyLocalActivities<Record<string, (input: never) => Promise<never>>>(merged)
      : proxyActivities<Record<string, (input: never) => Promise<never>>>(merged);
  };
  const state = proxy(DEFAULT_STATE_ACTIVITY_OPTIONS, options.activityOptions);
  const batch = proxy(DEFAULT_BATCH_ACTIVITY_OPTIONS, options.batchActivityOptions);
  const prefix = options.activityNamePrefix ?? '';
  const pick = <K extends keyof StateActivities>(from: typeof state, name: K) =>
    from[prefix + name] as unknown as StateActivities[K];
  return {
    getState: pick(state, 'getState'),
    writeState: pick(state, 'writeState'),
    startSync: pick(state, 'startSync'),
    commitBatch: pick(state, 'commitBatch'),
    syncBatch: pick(batch, 'syncBatch'),
    resetStreams: pick(state, 'resetStreams'),
  };
}
