import { ApplicationFailure } from '@temporalio/common';
import { SyncStateError } from '../src/errors';

/**
 * Runs an activity body and turns our input errors into non-retryable `ApplicationFailure`s
 * whose `type` is the error's stable type (`InvalidStateMessage`, `InvalidInput`,
 * `StaleCheckpoint`, …), so no retry is wasted on them and a workflow in any SDK can tell them
 * apart. Anything else (a lost connection, a restarting database) stays retryable.
 */
export async function asActivity<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof SyncStateError && !error.retryable) {
      throw ApplicationFailure.create({
        message: error.message,
        type: error.type,
        nonRetryable: true,
      });
    }
    throw error;
  }
}
