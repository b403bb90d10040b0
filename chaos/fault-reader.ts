/**
 * The chaos workers' source reader: the sample reader, wrapped so that the worker's events show
 * where a `syncBatch` attempt is (its read started: `read`; its read returned: `readEnd`, the
 * commit follows) and so that the planned faults land inside the read (the reader has started
 * and returned nothing) or between the read and the commit (the read is complete, the commit
 * has not started). An optional delay makes each read as slow as a remote API.
 */
import type { SourceReader } from '../src/activity-bodies/source-reader';
import { currentAttempt, faultPoint, type WorkerFaults } from './worker-faults';

/** `inner` with the fault points of `faults` around each read. */
export function faultReader(inner: SourceReader, faults: WorkerFaults): SourceReader {
  return async (request) => {
    const attempt = currentAttempt.getStore();
    attempt?.emit('read');
    await faultPoint(faults, attempt, 'read');
    if (faults.readDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, faults.readDelayMs));
    const result = await inner(request);
    attempt?.emit('readEnd', { written: result.records.length });
    await faultPoint(faults, attempt, 'afterRead');
    return result;
  };
}
