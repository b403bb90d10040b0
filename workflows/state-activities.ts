import {
  type ActivityOptions,
  type LocalActivityOptions,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { StateActivities } from '../activities/create-state-activities';

/** Activity error types that no retry can fix. */
export const NON_RETRYABLE_ERROR_TYPES = [
  'InvalidStateMessage',
  'InvalidInput',
  'StaleCheckpoint',
  'StateNotFound',
];

/** Options of {@link proxyStateActivities}. */
export interface StateActivityOptions {
  /** The worker's `activityNamePrefix` (see `SyncStatePlugin`). Default: `''`. */
  readonly activityNamePrefix?: string;
  /** Run them as local activities (fewer history events, no task queue round trip). Default: `false`. */
  readonly local?: boolean;
  /**
   * Activity options. Default: 60 s start-to-close, retried forever every 1 s doubling to 30 s
   * (a database restart is waited out), never retried on input or stale-checkpoint errors.
   */
  readonly activityOptions?: ActivityOptions & LocalActivityOptions;
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

/** The state activities, typed, for use in a workflow. */
export function proxyStateActivities(options: StateActivityOptions = {}): StateActivities {
  const activityOptions = { ...DEFAULT_STATE_ACTIVITY_OPTIONS, ...options.activityOptions };
  const proxy = options.local
    ? proxyLocalActivities<Record<string, (input: never) => Promise<never>>>(activityOptions)
    : proxyActivities<Record<string, (input: never) => Promise<never>>>(activityOptions);
  const prefix = options.activityNamePrefix ?? '';
  const pick = <K extends keyof StateActivities>(name: K) =>
    proxy[prefix + name] as unknown as StateActivities[K];
  return {
    getState: pick('getState'),
    writeState: pick('writeState'),
    startSync: pick('startSync'),
    commitBatch: pick('commitBatch'),
    resetStreams: pick('resetStreams'),
  };
}
