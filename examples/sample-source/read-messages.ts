/**
 * `read`: the selected streams as a flow of RECORD and STATE messages, one stream after the
 * other, each from the cursor its input state holds. Records are made one at a time as the
 * consumer pulls them, so memory stays flat whatever the count.
 */
import { setImmediate } from 'node:timers/promises';
import { describeValue, InvalidInputError } from '../../src/errors';
import { type AirbyteStateMessage, validateStateMessage } from '../../src/protocol';
import { streamStateMessage } from './batch';
import { selectedStreams } from './catalog';
import { resolveConfig } from './config';
import { parseCursor, recordsAtOrBefore, updatedAtOf } from './cursor';
import { streamKey } from './prng';
import type { AirbyteRecordMessage, AirbyteStateEnvelope } from './protocol-messages';
import { isSampleStreamName, SAMPLE_STREAMS, type SampleStreamName } from './streams';

/** What `read` emits: records, and a STATE after every checkpoint interval and at each stream's end. */
export type ReadMessage = AirbyteRecordMessage | AirbyteStateEnvelope;

/** A stream's cursor from the input state: the text as given (echoed back if nothing new is read) and its time. */
interface InputCursor {
  readonly text: string;
  readonly ms: number;
}

/**
 * Reads the cursors out of a connector's input state (a JSON array of state messages, as a
 * `--state` file holds; null or absent for none). Only STREAM state fits this source; states of
 * streams it does not have are ignored, as Airbyte sources do.
 */
export function cursorsFromState(state: unknown): Map<SampleStreamName, InputCursor> {
  const cursors = new Map<SampleStreamName, InputCursor>();
  if (state === undefined || state === null) return cursors;
  if (!Array.isArray(state))
    throw new InvalidInputError('state', 'an array of state messages', describeValue(state));
  state.forEach((item: unknown, i) => {
    const message = validateStateMessage(item);
    if (message.type !== 'STREAM' || !message.stream) {
      throw new InvalidInputError(
        `state[${i}].type`,
        '"STREAM" (this source keeps per-stream state)',
        describeValue(message.type),
      );
    }
    const { name, namespace } = message.stream.stream_descriptor;
    if (
      !isSampleStreamName(name) ||
      (namespace !== undefined && namespace !== null && namespace !== '')
    )
      return;
    const value = message.stream.stream_state?.updated_at;
    if (value === undefined || value === null) return;
    const ms = parseCursor(value, `state[${i}].stream.stream_state.updated_at`);
    cursors.set(name, { text: value as string, ms });
  });
  return cursors;
}

/**
 * The messages of a `read`, synchronously: validates everything before the first message, so a
 * bad config, catalog or state fails the read before it emits anything. Prefer
 * {@link readMessages}; this form spares a consumer that writes in bulk one await per record.
 */
export function iterateMessages(
  config: unknown,
  catalog: unknown,
  state?: unknown,
): Generator<ReadMessage, void, undefined> {
  const resolved = resolveConfig(config);
  const streams = selectedStreams(catalog);
  const cursors = cursorsFromState(state);
  return (function* (): Generator<ReadMessage, void, undefined> {
    for (const { name, syncMode } of streams) {
      const count = resolved.counts[name];
      // Full refresh re-reads everything: its input state, if any, does not apply.
      const input = syncMode === 'incremental' ? cursors.get(name) : undefined;
      const make = SAMPLE_STREAMS[name].make;
      const key = streamKey(resolved.seed, name);
      let sinceState = 0;
      let last = Math.min(recordsAtOrBefore(input?.ms), count);
      const checkpoint = (): AirbyteStateEnvelope => {
        const state: AirbyteStateMessage = streamStateMessage(
          name,
          sinceState > 0 ? updatedAtOf(last) : (input?.text ?? null),
        );
        state.sourceStats = { recordCount: sinceState };
        sinceState = 0;
        return { type: 'STATE', state };
      };
      const start = last;
      while (last < count) {
        last++;
        yield {
          type: 'RECORD',
          record: { stream: name, data: make(key, last), emitted_at: Date.now() },
        };
        if (++sinceState === resolved.recordsPerBatch) yield checkpoint();
      }
      // Every stream ends with a state, unless a checkpoint has just said the same thing.
      if (sinceState > 0 || last === start) yield checkpoint();
    }
  })();
}

/** Records between two returns to the event loop in {@link readMessages}. */
const RECORDS_PER_TURN = 1024;

/**
 * The messages of a `read` of the sample source: for each stream of `catalog` in order, its
 * records after the cursor that `state` holds (incremental) or all of them (full refresh), with
 * a per-stream STATE every `records_per_batch` records and at the stream's end. Bad input
 * throws {@link InvalidInputError} (or InvalidStateMessageError for a malformed state message)
 * from the first `next()`.
 */
export async function* readMessages(
  config: unknown,
  catalog: unknown,
  state?: unknown,
): AsyncGenerator<ReadMessage, void, undefined> {
  let sinceTurn = 0;
  for (const message of iterateMessages(config, catalog, state)) {
    yield message;
    // A for-await over ready values only ever runs microtasks; without a real turn now and then,
    // timers and I/O (an activity's heartbeats, a cancellation) would wait for the whole read.
    if (++sinceTurn === RECORDS_PER_TURN) {
      sinceTurn = 0;
      await setImmediate();
    }
  }
}
