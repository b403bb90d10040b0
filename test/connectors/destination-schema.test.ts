import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configureCatalog } from '../../src/connectors/configured-catalog';
import type { AirbyteCatalog } from '../../src/connectors/connector-messages';
import {
  columnType,
  destinationColumns,
  normalizeName,
} from '../../src/connectors/destination-columns';
import { planDestinationTables } from '../../src/connectors/destination-table';
import { resolveWriteMethod } from '../../src/connectors/write-strategy';
import { InvalidInputError } from '../../src/errors';

const catalog: AirbyteCatalog = {
  streams: [
    {
      name: 'users',
      json_schema: {
        properties: {
          id: { type: 'integer' },
          updated_at: { type: 'string', format: 'date-time' },
        },
      },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['updated_at'],
      source_defined_primary_key: [['id']],
    },
    {
      name: 'events',
      json_schema: { properties: { at: { type: 'string' } } },
      supported_sync_modes: ['full_refresh', 'incremental'],
      default_cursor_field: ['at'],
    },
    { name: 'Country Codes', json_schema: {}, supported_sync_modes: ['full_refresh'] },
  ],
};

describe('destination columns', () => {
  test('names are normalized as PyAirbyte normalizes them', () => {
    assert.equal(normalizeName('Hello World!'), 'hello_world_');
    assert.equal(normalizeName('Average Sales (%)'), 'average_sales____');
    assert.equal(normalizeName('1b'), '_1b');
    assert.equal(normalizeName('émoji😀'), '_moji_');
    assert.throws(() => normalizeName('%%'), InvalidInputError);
  });

  test('types come from airbyte_type, then type and format, with nullable unions unwrapped', () => {
    const cases: [unknown, string][] = [
      [{ type: 'integer' }, 'bigint'],
      [{ type: ['null', 'number'] }, 'numeric'],
      [{ type: 'boolean' }, 'boolean'],
      [{ type: 'string' }, 'text'],
      [{ type: 'string', format: 'date' }, 'date'],
      [{ type: ['null', 'string'], format: 'date-time' }, 'timestamptz'],
      [
        { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
        'timestamp',
      ],
      [{ type: 'string', airbyte_type: 'time_with_timezone' }, 'timetz'],
      [{ type: 'object', properties: {} }, 'jsonb'],
      [{ type: 'array' }, 'jsonb'],
      [{ type: ['string', 'integer'] }, 'jsonb'],
      [{}, 'jsonb'],
    ];
    for (const [schema, type] of cases)
      assert.equal(columnType(schema), type, JSON.stringify(schema));
  });

  test('a schema without properties keeps whole records; properties that collide once normalized are refused', () => {
    assert.equal(destinationColumns({ type: 'object' }), undefined);
    assert.throws(
      () => destinationColumns({ properties: { 'a-b': {}, a_b: {} } }),
      /both normalize to "a_b"/,
    );
    assert.throws(
      () => destinationColumns({ properties: { _airbyte_raw_id: {} } }),
      /other than our own _airbyte_ columns/,
    );
  });
});

describe('write strategies', () => {
  test('auto picks as PyAirbyte does: merge with a primary key, else append with a cursor, else replace', () => {
    assert.equal(
      resolveWriteMethod('s', 'auto', { primaryKey: true, incrementalCursor: true }),
      'merge',
    );
    assert.equal(
      resolveWriteMethod('s', 'auto', { primaryKey: false, incrementalCursor: true }),
      'append',
    );
    assert.equal(
      resolveWriteMethod('s', 'auto', { primaryKey: false, incrementalCursor: false }),
      'replace',
    );
    assert.equal(
      resolveWriteMethod('s', 'replace', { primaryKey: true, incrementalCursor: true }),
      'replace',
    );
    assert.throws(
      () => resolveWriteMethod('s', 'merge', { primaryKey: false, incrementalCursor: true }),
      /no primary key/,
    );
  });

  test('the configured catalog takes sync modes, cursors and keys from discover unless given', () => {
    const streams = configureCatalog('source-x', catalog, undefined);
    assert.deepEqual(
      streams.map((s) => [
        s.name,
        s.configured.sync_mode,
        s.writeMethod,
        s.configured.destination_sync_mode,
        s.primaryKey,
      ]),
      [
        ['users', 'incremental', 'merge', 'append_dedup', ['id']],
        ['events', 'incremental', 'append', 'append', []],
        ['Country Codes', 'full_refresh', 'replace', 'overwrite', []],
      ],
    );
    const [events] = configureCatalog('source-x', catalog, [
      { name: 'events', syncMode: 'full_refresh', primaryKey: ['at'] },
    ]);
    assert.deepEqual(
      [events?.configured.sync_mode, events?.writeMethod],
      ['full_refresh', 'merge'],
    );
    assert.throws(
      () => configureCatalog('source-x', catalog, ['users', 'nope']),
      /streams\[1\]: expected a stream of source-x \(it has: users, events, Country Codes\), got "nope"/,
    );
    assert.throws(
      () => configureCatalog('source-x', catalog, ['users', 'users']),
      /each stream once/,
    );
    assert.throws(
      () =>
        configureCatalog('source-x', catalog, [{ name: 'Country Codes', syncMode: 'incremental' }]),
      /supports for "Country Codes" \(full_refresh\)/,
    );
  });

  test('tables are prefixed and normalized; identifiers are checked', () => {
    const tables = planDestinationTables(configureCatalog('source-x', catalog, undefined), {
      schema: 'public',
      tablePrefix: 'x_',
      sourceName: 'source-x',
    });
    assert.deepEqual(
      tables.map((t) => [t.qualified, t.primaryKey, t.columns.map((c) => `${c.name} ${c.type}`)]),
      [
        ['"public"."x_users"', ['id'], ['id bigint', 'updated_at timestamptz']],
        ['"public"."x_events"', [], ['at text']],
        ['"public"."x_country_codes"', [], ['_airbyte_data jsonb']],
      ],
    );
    assert.throws(
      () =>
        planDestinationTables(configureCatalog('source-x', catalog, ['users']), {
          schema: 'public',
          tablePrefix: 'p'.repeat(60),
          sourceName: 'source-x',
        }),
      /at most 63 bytes/,
    );
    assert.throws(
      () =>
        planDestinationTables(
          configureCatalog('source-x', catalog, [{ name: 'users', primaryKey: ['email'] }]),
          { schema: 'public', tablePrefix: '', sourceName: 'source-x' },
        ),
      /primaryKey of stream "users": expected fields among the properties of its JSON schema \(id, updated_at\), got "email"/,
    );
  });
});
