import { PayloadTooLargeError } from '../errors';
import { jsonBytes } from '../protocol/json-bytes';

/**
 * Returns `value` when its JSON fits in `limit` bytes, else throws {@link PayloadTooLargeError}
 * naming `what`, its size, the limit and `advice`: an activity result that Temporal would refuse
 * must fail once, clearly, and not be retried forever.
 */
export function checkPayloadSize<T>(value: T, limit: number, what: string, advice: string): T {
  const bytes = jsonBytes(value);
  if (bytes > limit) throw new PayloadTooLargeError(what, bytes, limit, advice);
  return value;
}
