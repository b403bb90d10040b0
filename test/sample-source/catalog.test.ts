import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidInputError } from '../../src/errors';
import {
  configuredCatalog,
  discover,
  resolveConfig,
  selectedStreams,
  spec,
} from '../../examples/sample-source';

describe('spec and discover', () => {
  test('spec describes the config as a JSON schema with its defaults', () => {
    const { connectionSpecification: schema, supportsIncremental } = spec();
    assert.equal(supportsIncremental, true);
    assert.equal(schema.type, 'object');
    assert.deepEqual(Object.keys(schema.properties as object).sort(), [
      'count',
      'records_per_batch',
      'seed',
      'stream_counts',
    ]);
    const properties = schema.properties as Record<string, { default?: unknown }>;
    const defaults = resolveConfig({});
    assert.equal(properties.count?.default, defaults.counts.users);
    assert.equal(properties.seed?.default, defaults.seed);
    assert.equal(properties.records_per_batch?.default, defaults.recordsPerBatch);
  });

  test('discover lists the three streams, incremental by updated_at and keyed by id', () => {
    const catalog = discover();
    assert.deepEqual(
      catalog.streams.map((s) => s.name),
      ['users', 'products', 'purchases'],
    );
    for (const stream of catalog.streams) {
      assert.deepEqual(stream.supported_sync_modes, ['full_refresh', 'incremental']);
      assert.equal(stream.source_defined_cursor, true);
      assert.deepEqual(stream.default_cursor_field, ['updated_at']);
      assert.deepEqual(stream.source_defined_primary_key, [['id']]);
      assert.equal(stream.json_schema.type, 'object');
      assert.deepEqual((stream.json_schema.properties as Record<string, unknown>).updated_at, {
        type: 'string',
        format: 'date-time',
        airbyte_type: 'timestamp_with_timezone',
      });
    }
  });

  test('the catalog survives JSON unchanged, as it must to travel as a CATALOG message', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(discover())), discover());
  });
});

describe('configuredCatalog', () => {
  test('selects the named streams in the given sync mode, and selectedStreams reads them back', () => {
    const catalog = configuredCatalog('full_refresh', ['purchases', 'users']);
    assert.deepEqual(
      catalog.streams.map((s) => [s.stream.name, s.sync_mode, s.cursor_field, s.primary_key]),
      [
        ['users', 'full_refresh', ['updated_at'], [['id']]],
        ['purchases', 'full_refresh', ['updated_at'], [['id']]],
      ],
    );
    assert.deepEqual(selectedStreams(catalog), [
      { name: 'users', syncMode: 'full_refresh' },
      { name: 'purchases', syncMode: 'full_refresh' },
    ]);
  });

  test('is refused when it is not a catalog at all', () => {
    assert.throws(
      () => selectedStreams([]),
      (e: unknown) =>
        e instanceof InvalidInputError &&
        /^Invalid catalog: expected a configured catalog/.test(e.message),
    );
    assert.throws(
      () => selectedStreams({ streams: {} }),
      /Invalid catalog\.streams: expected an array, got an object/,
    );
  });
});
