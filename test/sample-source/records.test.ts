import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../src/protocol';
import {
  discover,
  readBatch,
  SAMPLE_STREAM_NAMES,
  sampleRecord,
  type PurchaseRecord,
  type SampleStreamName,
} from '../../examples/sample-source';
import { formatIsoTime } from '../../examples/sample-source/iso-time';

const stream = fc.constantFrom(...SAMPLE_STREAM_NAMES);
const seed = fc.integer({ min: -1e12, max: 1e12 });

function records(name: SampleStreamName, seedValue: number, count: number): unknown[] {
  return readBatch({ stream: name, limit: count, seed: seedValue, count }).records;
}

/** Checks `value` against the subset of JSON schema the catalog uses; returns the first problem. */
function schemaProblem(
  schema: JsonValue | undefined,
  value: unknown,
  path = '$',
): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return `${path}: no schema`;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (!types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return `${path}: ${actual} is not ${JSON.stringify(types)}`;
  if (schema.format === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value)))
    return `${path}: not a date-time`;
  if (actual !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  const properties = schema.properties as Record<string, JsonValue>;
  for (const key of schema.required as string[])
    if (!(key in object)) return `${path}.${key}: missing`;
  for (const key of Object.keys(object)) {
    const problem = schemaProblem(properties[key], object[key], `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

describe('sample records', () => {
  test('are the same for the same seed, run after run', () => {
    // Pinned digests: if they change, every existing sample destination would see different data.
    const digest = (name: SampleStreamName) =>
      createHash('sha256')
        .update(JSON.stringify(records(name, 0, 100)))
        .digest('hex');
    assert.equal(
      digest('users'),
      'd6cd486e40943c0916fbb564211ab9f5b25041291761fcef9d32ec04dee4d390',
    );
    assert.equal(
      digest('products'),
      '1604ca23cd4eee034593e3f9de8f104e9f555cab2125248e728e8391be5e5f6d',
    );
    assert.equal(
      digest('purchases'),
      'a9b6c50522dc88985fb4913c0a51fe8bc25a1462b6446184cf2327b373485a80',
    );
    assert.deepEqual(sampleRecord(0, 'purchases', 42), {
      id: 42,
      user_id: 29,
      product_id: 9,
      added_to_cart_at: '2023-12-24T13:02:07.000Z',
      purchased_at: '2023-12-25T00:53:09.000Z',
      returned_at: null,
      created_at: '2023-12-24T13:02:07.000Z',
      updated_at: '2024-01-01T00:00:42.000Z',
    });
  });

  test('are the same for the same seed and differ for another seed', () => {
    fc.assert(
      fc.property(stream, seed, seed, (name, a, b) => {
        fc.pre(a !== b);
        assert.deepEqual(records(name, a, 20), records(name, a, 20));
        assert.notDeepEqual(records(name, a, 20), records(name, b, 20));
      }),
      { numRuns: 50 },
    );
  });

  test('differ between seeds that share their low 32 bits', () => {
    assert.notDeepEqual(records('users', 1, 10), records('users', 1 + 2 ** 32, 10));
  });

  test('can each be made alone, equal to the same record read in a batch', () => {
    fc.assert(
      fc.property(stream, seed, fc.integer({ min: 1, max: 500 }), (name, s, index) => {
        assert.deepEqual(sampleRecord(s, name, index), records(name, s, 500)[index - 1]);
      }),
      { numRuns: 100 },
    );
  });

  test('do not depend on how many records the stream has', () => {
    assert.deepEqual(records('purchases', 5, 50), records('purchases', 5, 80).slice(0, 50));
  });

  test('have 1-based ids and strictly increasing updated_at', () => {
    for (const name of SAMPLE_STREAM_NAMES) {
      const batch = records(name, 3, 300) as { id: number; updated_at: string }[];
      batch.forEach((record, i) => assert.equal(record.id, i + 1));
      for (let i = 1; i < batch.length; i++)
        assert.ok(batch[i - 1]!.updated_at < batch[i]!.updated_at);
    }
  });

  test('match the JSON schemas that discover reports', () => {
    for (const { name, json_schema } of discover().streams) {
      for (const record of records(name as SampleStreamName, 11, 300))
        assert.equal(schemaProblem(json_schema, record), undefined);
    }
  });

  test('keep a purchase lifecycle in order and its references within range', () => {
    for (const purchase of records('purchases', 2, 1000) as PurchaseRecord[]) {
      const times = [
        purchase.created_at,
        purchase.added_to_cart_at,
        purchase.purchased_at,
        purchase.returned_at,
        purchase.updated_at,
      ];
      const present = times.filter((t): t is string => t !== null);
      assert.deepEqual(present, [...present].sort(), `purchase ${purchase.id}`);
      if (purchase.purchased_at === null) assert.equal(purchase.returned_at, null);
      assert.ok(purchase.user_id >= 1 && purchase.user_id <= purchase.id);
      assert.ok(purchase.product_id >= 1 && purchase.product_id <= purchase.id);
    }
  });

  test('have unique emails and plausible user fields', () => {
    const users = records('users', 9, 2000) as {
      email: string;
      age: number;
      created_at: string;
      updated_at: string;
    }[];
    assert.equal(new Set(users.map((u) => u.email)).size, users.length);
    for (const user of users) {
      assert.ok(user.age >= 18 && user.age <= 90);
      assert.ok(user.created_at <= user.updated_at);
    }
  });
});

describe('formatIsoTime', () => {
  test('writes exactly what toISOString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        assert.equal(formatIsoTime(ms), new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
    for (const ms of [
      0,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1000, 0, 1),
      Date.UTC(10000, 0, 1) - 1,
    ]) {
      assert.equal(formatIsoTime(ms), new Date(ms).toISOString());
    }
  });
});
