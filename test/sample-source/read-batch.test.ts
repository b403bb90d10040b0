import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InvalidInputError } from '../../src/errors';
import { validateStateMessage } from '../../src/protocol';
import {
  MAX_BATCH_LIMIT,
  readBatch,
  type ReadBatchInput,
  type ReadBatchResult,
  SAMPLE_STREAM_NAMES,
  type SampleStreamName,
  updatedAtOf,
} from '../../examples/sample-source';

/** Reads a stream batch by batch from `cursor`, as a workflow would, carrying each batch's cursor on. */
function readAll(
  stream: SampleStreamName,
  count: number,
  limit: number,
  cursor: string | null = null,
  seed = 1,
) {
  const batches: ReadBatchResult[] = [];
  for (;;) {
    const batch = readBatch({ stream, cursor, limit, seed, count });
    batches.push(batch);
    assert.ok(batches.length <= count + 1, 'the read must end');
    cursor = batch.cursor;
    if (batch.done) return batches;
  }
}

const ids = (batches: ReadBatchResult[]) => batches.flatMap((b) => b.records.map((r) => r.id));
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('readBatch', () => {
  test('batches concatenate to exactly records 1..N, for several batch sizes', () => {
    for (const limit of [1, 7, 100, 250, 251, 1000]) {
      const batches = readAll('users', 250, limit);
      assert.deepEqual(ids(batches), range(1, 250), `limit ${limit}`);
      assert.equal(batches.length, Math.max(1, Math.ceil(250 / limit)), `limit ${limit}`);
      assert.deepEqual(
        batches.flatMap((b) => b.records),
        readBatch({ stream: 'users', limit: 250, seed: 1, count: 250 }).records,
      );
    }
  });

  test('batches concatenate without gaps or duplicates for any count and batch size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_STREAM_NAMES),
        fc.nat(300),
        fc.integer({ min: 1, max: 60 }),
        (stream, count, limit) => {
          assert.deepEqual(ids(readAll(stream, count, limit)), range(1, count));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('says done on the batch that reaches the last record, not one later', () => {
    const batches = readAll('products', 10, 5);
    assert.deepEqual(
      batches.map((b) => [b.records.length, b.done]),
      [
        [5, false],
        [5, true],
      ],
    );
  });

  test('after a larger count, reads only the records added since the old cursor', () => {
    const first = readAll('purchases', 100, 30);
    const cursor = first.at(-1)!.cursor;
    assert.equal(cursor, updatedAtOf(100));
    const second = readAll('purchases', 160, 30, cursor);
    assert.deepEqual(ids(second), range(101, 160));
    assert.deepEqual(
      [...first, ...second].flatMap((b) => b.records),
      readBatch({ stream: 'purchases', limit: 160, seed: 1, count: 160 }).records,
    );
    // With no new records, an incremental read is one empty batch that keeps the cursor.
    assert.deepEqual(
      readAll('purchases', 160, 30, second.at(-1)!.cursor).map((b) => [
        b.records.length,
        b.cursor,
        b.done,
      ]),
      [[0, updatedAtOf(160), true]],
    );
  });

  test('reads after cursors that fall between records, before the first, or past the last', () => {
    const from = (cursor: string, count = 10) =>
      ids([readBatch({ stream: 'users', cursor, limit: 100, seed: 1, count })]);
    assert.deepEqual(from('2024-01-01T00:00:03.500Z'), range(4, 10));
    assert.deepEqual(from('2024-01-01T00:00:03Z'), range(4, 10));
    assert.deepEqual(from('2024-01-01T00:00:03.999999Z'), range(4, 10), 'microseconds are fine');
    assert.deepEqual(from('2024-01-01T01:00:03+01:00'), range(4, 10), 'zones are honoured');
    assert.deepEqual(from('1999-12-31T23:59:59Z'), range(1, 10));
    assert.deepEqual(from('2030-01-01T00:00:00Z'), []);
  });

  test('returns a valid STREAM state message holding the last record’s updated_at', () => {
    const batch = readBatch({ stream: 'products', cursor: null, limit: 3, seed: 1, count: 10 });
    assert.deepEqual(batch.state, {
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'products' },
        stream_state: { updated_at: '2024-01-01T00:00:03.000Z' },
      },
    });
    assert.equal(validateStateMessage(batch.state), batch.state);
    assert.equal(batch.cursor, batch.records.at(-1)!.updated_at);
  });

  test('returns the input cursor in the state of an empty batch, and an empty state before any record', () => {
    const cursor = '2024-01-01T00:00:05.000Z';
    const past = readBatch({ stream: 'users', cursor, limit: 3, seed: 1, count: 5 });
    assert.deepEqual([past.records, past.cursor, past.done], [[], cursor, true]);
    assert.deepEqual(past.state.stream?.stream_state, { updated_at: cursor });
    const empty = readBatch({ stream: 'users', limit: 3, seed: 1, count: 0 });
    assert.deepEqual(
      [empty.records, empty.cursor, empty.done, empty.state.stream?.stream_state],
      [[], null, true, {}],
    );
    validateStateMessage(empty.state);
  });

  test('rejects bad input with an InvalidInputError that names the argument', () => {
    const good: ReadBatchInput = { stream: 'users', cursor: null, limit: 10, seed: 1, count: 10 };
    const cases: [Partial<Record<keyof ReadBatchInput, unknown>>, RegExp][] = [
      [
        { stream: 'orders' },
        /^Invalid stream: expected one of "users", "products", "purchases", got the string "orders"\.$/,
      ],
      [{ cursor: 'yesterday' }, /^Invalid cursor: expected an ISO-8601 date-time/],
      [
        { cursor: '2024-01-01T00:00:00' },
        /^Invalid cursor: .* got the string "2024-01-01T00:00:00"/,
      ],
      [
        { cursor: 5 },
        /^Invalid cursor: expected an ISO-8601 date-time string, null or absent, got number 5\.$/,
      ],
      [
        { limit: 0 },
        new RegExp(
          `^Invalid limit: expected an integer from 1 to ${MAX_BATCH_LIMIT}, got number 0\\.$`,
        ),
      ],
      [{ limit: 1.5 }, /^Invalid limit/],
      [{ seed: '1' }, /^Invalid seed: .* got the string "1"\.$/],
      [{ count: -1 }, /^Invalid count: expected an integer from 0 to 1000000000, got number -1\.$/],
      [{ count: undefined }, /^Invalid count: .* got nothing \(undefined\)\.$/],
    ];
    for (const [change, message] of cases) {
      assert.throws(
        () => readBatch({ ...good, ...change } as ReadBatchInput),
        (error: unknown) => error instanceof InvalidInputError && message.test(error.message),
        JSON.stringify(change),
      );
    }
    assert.throws(
      () => readBatch(null as unknown as ReadBatchInput),
      /Invalid readBatch input: expected a JSON object, got null\.$/,
    );
  });
});
