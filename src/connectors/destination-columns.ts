import { describeValue, InvalidInputError } from '../errors';
import { isPlainObject } from '../protocol/validate';

/** PostgreSQL types of destination columns. */
export type ColumnType =
  | 'text'
  | 'bigint'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'timestamptz'
  | 'timestamp'
  | 'time'
  | 'timetz'
  | 'jsonb';

/** One column of a destination table: a top-level property of the stream's records. */
export interface DestinationColumn {
  /** Column name: the property name normalized as PyAirbyte does. */
  readonly name: string;
  /** The property's name in the records. */
  readonly property: string;
  readonly type: ColumnType;
}

/** Columns we add to every table, as PyAirbyte's cache tables have them (plus the sync id). */
export const AIRBYTE_COLUMNS = [
  '_airbyte_raw_id',
  '_airbyte_extracted_at',
  '_airbyte_meta',
  '_airbyte_sync_id',
] as const;
/** The single column that holds whole records of a stream whose schema has no properties. */
export const DATA_COLUMN = '_airbyte_data';

const AIRBYTE_TYPES: Readonly<Record<string, ColumnType>> = {
  string: 'text',
  integer: 'bigint',
  number: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp_with_timezone: 'timestamptz',
  timestamp_without_timezone: 'timestamp',
  time_with_timezone: 'timetz',
  time_without_timezone: 'time',
  object: 'jsonb',
  array: 'jsonb',
};

/**
 * The columns of a stream's records, from the top-level `properties` of its JSON schema, typed
 * as PyAirbyte types them (`airbyte_type` first, then `type` and `format`; `["null", T]` is T).
 * Differences, on purpose: `number` is exact `numeric` (PyAirbyte: `DECIMAL(38, 9)`), and a
 * property of unknown or mixed type is `jsonb` (PyAirbyte: `VARCHAR`), which keeps any value as
 * it came. Returns `undefined` for a schema without properties: store whole records instead.
 */
export function destinationColumns(jsonSchema: unknown): DestinationColumn[] | undefined {
  const properties = isPlainObject(jsonSchema) ? jsonSchema.properties : undefined;
  if (!isPlainObject(properties) || Object.keys(properties).length === 0) return undefined;
  const byName = new Map<string, string>();
  return Object.entries(properties).map(([property, schema]) => {
    const name = normalizeName(property);
    const other = byName.get(name);
    if (other !== undefined)
      throw new InvalidInputError(
        `property "${property}"`,
        `a name distinct from "${other}" once normalized`,
        `both normalize to "${name}"`,
      );
    if ((AIRBYTE_COLUMNS as readonly string[]).includes(name) || name === DATA_COLUMN)
      throw new InvalidInputError(
        `property "${property}"`,
        'a name other than our own _airbyte_ columns',
        `"${name}"`,
      );
    byName.set(name, property);
    return { name, property, type: columnType(schema) };
  });
}

/** The column type of one property's JSON schema. */
export function columnType(schema: unknown): ColumnType {
  if (!isPlainObject(schema)) return 'jsonb';
  const airbyteType = schema.airbyte_type;
  if (typeof airbyteType === 'string' && AIRBYTE_TYPES[airbyteType])
    return AIRBYTE_TYPES[airbyteType];
  let type = schema.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    type = nonNull.length === 1 ? nonNull[0] : undefined;
  }
  if (type === 'string') {
    if (schema.format === 'date') return 'date';
    if (schema.format === 'date-time') return 'timestamptz';
    if (schema.format === 'time') return 'time';
    return 'text';
  }
  return (typeof type === 'string' && AIRBYTE_TYPES[type]) || 'jsonb';
}

/**
 * PyAirbyte's `LowerCaseNormalizer`: lower case, every character other than a-z and 0-9 becomes
 * `_`, and a leading digit gets a `_` before it (`"Average Sales (%)"` → `average_sales____`).
 */
export function normalizeName(name: string): string {
  let result = name.toLowerCase().replace(/[^a-z0-9]/gu, '_');
  if (/^[0-9]/.test(result)) result = `_${result}`;
  if (result.replace(/_/g, '') === '')
    throw new InvalidInputError('name', 'a name with a letter or digit', describeValue(name));
  return result;
}
