/**
 * Generated bad inputs for the activity boundary (fast-check): each case is an activity call
 * with one thing broken, chosen at random from a valid call — a corrupted state message, bad
 * records, a bad field of a `syncBatch` input, or a reader that breaks its contract. Every one
 * must be refused with a named, non-retryable failure. Used by the bad-input scenario.
 */
import fc from 'fast-check';
import type { JsonObject } from '../src/protocol/types';
import { arbitraryStateMessage } from '../test/helpers/arbitraries';

/** A state message at most this large is valid; the scenario's backend refuses larger ones. */
export const BAD_INPUT_MAX_STATE_BYTES = 4096;

/** One generated call: which activity, its input, and what a `fuzz` reader returns for it. */
export interface BadCall {
  readonly activity: 'writeState' | 'commitBatch' | 'syncBatch';
  /** What was broken, for the figures and a failure's message. */
  readonly broken: string;
  readonly input: unknown;
  /** What the scenario's `fuzz` reader returns (syncBatch calls whose input is valid). */
  readonly readResult?: unknown;
}

type Corrupt<T> = readonly [string, (value: T) => unknown];

const MESSAGE_CORRUPTIONS: readonly Corrupt<Record<string, unknown>>[] = [
  ['an unknown type', (m) => ({ ...m, type: 'GLOBALS' })],
  [
    'a missing stream descriptor',
    (m) =>
      m.type === 'STREAM'
        ? { ...m, stream: { ...(m.stream as object), stream_descriptor: undefined } }
        : { ...m, type: 'STREAM', stream: null },
  ],
  [
    'stream states that are not a list',
    (m) => ({ ...m, type: 'GLOBAL', global: { stream_states: 'none' } }),
  ],
  ['a negative record count', (m) => ({ ...m, sourceStats: { recordCount: -1 } })],
  ['NaN', (m) => ({ ...m, extra: Number.NaN })],
  ['undefined in a list', (m) => ({ ...m, extra: [undefined] })],
  ['a Date', (m) => ({ ...m, extra: new Date(0) })],
  ['a message too large', (m) => ({ ...m, blob: 'x'.repeat(BAD_INPUT_MAX_STATE_BYTES) })],
  ['a message as JSON text', (m) => JSON.stringify(m)],
  ['a message in a list', (m) => [m]],
  ['null for a message', () => null],
];

const RECORD_CORRUPTIONS: readonly Corrupt<JsonObject[]>[] = [
  ['records that are not a list', () => 'records'],
  ['a null record', (r) => [...r, null]],
  ['a number for a record', (r) => [...r, 5]],
  ['a record without its primary key', (r) => [...r, { name: 'no id' }]],
  ['a null primary key', (r) => [...r, { id: null }]],
  ['NaN in a record', (r) => [...r, { id: 1_000_001, v: Number.NaN }]],
  ['Infinity in a record', (r) => [...r, { id: 1_000_002, v: Number.POSITIVE_INFINITY }]],
  ['a Date in a record', (r) => [...r, { id: 1_000_003, v: new Date(0) }]],
  ['undefined in a record list value', (r) => [...r, { id: 1_000_004, v: [undefined] }]],
];

const SYNC_BATCH_CORRUPTIONS: readonly Corrupt<Record<string, unknown>>[] = [
  ...(['', 5, null] as const).map((v): Corrupt<Record<string, unknown>> => [
    `connectionId ${JSON.stringify(v)}`,
    (i) => ({ ...i, connectionId: v }),
  ]),
  ...([0, -1, 1.5, '1', null] as const).map((v): Corrupt<Record<string, unknown>> => [
    `epoch ${JSON.stringify(v)}`,
    (i) => ({ ...i, epoch: v }),
  ]),
  ...(['unknown-reader', 5, ''] as const).map((v): Corrupt<Record<string, unknown>> => [
    `reader ${JSON.stringify(v)}`,
    (i) => ({ ...i, reader: v }),
  ]),
  ...([null, {}, { name: 5 }, 5] as const).map((v): Corrupt<Record<string, unknown>> => [
    `stream ${JSON.stringify(v)}`,
    (i) => ({ ...i, stream: v }),
  ]),
  ...([[], [5], 'id'] as const).map((v): Corrupt<Record<string, unknown>> => [
    `primaryKey ${JSON.stringify(v)}`,
    (i) => ({ ...i, primaryKey: v }),
  ]),
  ...([0, 100_001, 1.5, '10'] as const).map((v): Corrupt<Record<string, unknown>> => [
    `limit ${JSON.stringify(v)}`,
    (i) => ({ ...i, limit: v }),
  ]),
  ...([0, -1, 2.5, '1'] as const).map((v): Corrupt<Record<string, unknown>> => [
    `checkpoint ${JSON.stringify(v)}`,
    (i) => ({ ...i, checkpoint: v }),
  ]),
  ...([[], 'x', { a: Number.NaN }] as const).map((v): Corrupt<Record<string, unknown>> => [
    `config ${JSON.stringify(v)}`,
    (i) => ({ ...i, config: v }),
  ]),
  ...(['', 5] as const).map((v): Corrupt<Record<string, unknown>> => [
    `sourceName ${JSON.stringify(v)}`,
    (i) => ({ ...i, sourceName: v }),
  ]),
];

const READ_RESULT_CORRUPTIONS: readonly Corrupt<JsonObject[]>[] = [
  ['a reader that returns null', () => null],
  ['a reader whose records are not a list', () => ({ records: 'x', state: {}, done: true })],
  ['a reader whose state is null', (r) => ({ records: r, state: null, done: true })],
  ['a reader whose done is not a boolean', (r) => ({ records: r, state: {}, done: 'yes' })],
  [
    'a reader whose state holds NaN',
    (r) => ({ records: r, state: { c: Number.NaN }, done: false }),
  ],
  ...RECORD_CORRUPTIONS.map(([what, corrupt]): Corrupt<JsonObject[]> => [
    `a reader returning ${what}`,
    (r) => ({ records: corrupt(r), state: { c: 1 }, done: false }),
  ]),
];

const records = fc.uniqueArray(
  fc.record({ id: fc.nat({ max: 999_999 }), name: fc.string({ maxLength: 12 }) }),
  { selector: (r) => r.id, maxLength: 5 },
);

const stream = (name: string): JsonObject => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor: 1 } },
});

/** Any bad call, generated. */
export const badCall: fc.Arbitrary<BadCall> = fc.oneof(
  fc
    .tuple(arbitraryStateMessage, fc.constantFrom(...MESSAGE_CORRUPTIONS))
    .map(([m, [broken, corrupt]]): BadCall => ({
      activity: 'writeState',
      broken,
      input: {
        sourceName: 'fuzz',
        messages: [stream('ok'), corrupt(m as unknown as Record<string, unknown>)],
      },
    })),
  fc
    .tuple(arbitraryStateMessage, fc.constantFrom(...MESSAGE_CORRUPTIONS), records)
    .map(([m, [broken, corrupt], rows]): BadCall => ({
      activity: 'commitBatch',
      broken,
      input: {
        connectionId: 'fuzz',
        sourceName: 'fuzz',
        records: rows,
        primaryKey: ['id'],
        state: corrupt(m as unknown as Record<string, unknown>),
        checkpoint: 1,
      },
    })),
  fc
    .tuple(records, fc.constantFrom(...RECORD_CORRUPTIONS))
    .map(([rows, [broken, corrupt]]): BadCall => ({
      activity: 'commitBatch',
      broken,
      input: {
        connectionId: 'fuzz',
        sourceName: 'fuzz',
        records: corrupt(rows),
        primaryKey: ['id'],
        state: stream('users'),
        checkpoint: 1,
      },
    })),
  fc
    .tuple(fc.constantFrom(...SYNC_BATCH_CORRUPTIONS), fc.nat({ max: 1000 }))
    .map(([[broken, corrupt], n]): BadCall => ({
      activity: 'syncBatch',
      broken,
      input: corrupt(syncBatchInput(n)),
      readResult: { records: [{ id: n }], state: { c: n }, done: true },
    })),
  fc
    .tuple(records, fc.constantFrom(...READ_RESULT_CORRUPTIONS), fc.nat({ max: 1000 }))
    .map(([rows, [broken, corrupt], n]): BadCall => ({
      activity: 'syncBatch',
      broken,
      input: syncBatchInput(n),
      readResult: corrupt(rows),
    })),
);

/** A valid syncBatch input of the `fuzz` reader. */
function syncBatchInput(n: number): Record<string, unknown> {
  return {
    connectionId: 'fuzz',
    sourceName: 'fuzz',
    epoch: 1,
    reader: 'fuzz',
    stream: { name: 'users' },
    primaryKey: ['id'],
    checkpoint: 1 + (n % 7),
    limit: 100,
    config: { n },
  };
}
