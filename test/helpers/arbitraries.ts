import fc from 'fast-check';
import type { AirbyteStateMessage, JsonObject, JsonValue } from '../../src';
import { isUnsafeIntegerNumber } from '../../src/protocol/exact-json';

/** Names as connectors use them, plus unicode, quotes and SQL-looking text. */
export const arbitraryName = fc
  .oneof(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.constantFrom(
      `users'; drop table _airbyte_state; --`,
      'Robert"); --',
      'select',
      'ünïcødé',
      '名前',
      'a b',
    ),
  )
  .filter((name) => name !== '_GLOBAL' && name !== '_LEGACY' && !name.includes('\u0000'));

/**
 * A JSON object as `JSON.parse` returns it (no -0, which JSON cannot keep), without numbers that
 * are integers beyond 2^53 - 1 (they become strings): state writes refuse those as maybe rounded.
 */
export const arbitraryJsonObject: fc.Arbitrary<JsonObject> = fc
  .dictionary(
    fc.string({ maxLength: 10 }),
    fc.jsonValue({ maxDepth: 3, noUnicodeString: false }) as fc.Arbitrary<JsonValue>,
    { maxKeys: 5 },
  )
  .map(
    (value) =>
      JSON.parse(JSON.stringify(value), (_key, item: unknown) =>
        typeof item === 'number' && isUnsafeIntegerNumber(item) ? String(item) : item,
      ) as JsonObject,
  );

const descriptor = fc.record(
  { name: arbitraryName, namespace: fc.option(arbitraryName, { nil: null }) },
  { requiredKeys: ['name'], noNullPrototype: true },
);

const streamState = fc.record(
  { stream_descriptor: descriptor, stream_state: fc.option(arbitraryJsonObject, { nil: null }) },
  { requiredKeys: ['stream_descriptor'], noNullPrototype: true },
);

const stats = fc.option(fc.record({ recordCount: fc.nat() }, { noNullPrototype: true }), {
  nil: null,
});

/** Any valid Airbyte state message: STREAM, GLOBAL or LEGACY, with optional nulls and extra keys. */
export const arbitraryStateMessage: fc.Arbitrary<AirbyteStateMessage> = fc
  .oneof(
    fc.record(
      { type: fc.constant('STREAM' as const), stream: streamState, data: fc.constant(null) },
      { requiredKeys: ['type', 'stream'], noNullPrototype: true },
    ),
    fc.record(
      {
        type: fc.constant('GLOBAL' as const),
        global: fc.record(
          {
            shared_state: fc.option(arbitraryJsonObject, { nil: null }),
            stream_states: fc.uniqueArray(streamState, {
              maxLength: 3,
              selector: (s) =>
                JSON.stringify([s.stream_descriptor.namespace ?? '', s.stream_descriptor.name]),
            }),
          },
          { requiredKeys: ['stream_states'], noNullPrototype: true },
        ),
      },
      { noNullPrototype: true },
    ),
    fc.record(
      { type: fc.constant('LEGACY' as const), data: arbitraryJsonObject },
      { noNullPrototype: true },
    ),
  )
  .chain((message) =>
    fc
      .record(
        { sourceStats: stats, destinationStats: stats, id: fc.nat() },
        { requiredKeys: [], noNullPrototype: true },
      )
      .map((extra) => ({ ...message, ...extra })),
  );
