/**
 * The `updated_at` cursor. Record i of every stream is updated at exactly BASE + i seconds, so
 * the cursor is strictly increasing and "the records after cursor C" is one division away: no
 * scan, whatever the stream's size.
 */
import { describeValue, InvalidInputError } from '../../src/errors';
import { formatIsoTime } from './iso-time';

/** `updated_at` of record 0 (which does not exist; records are 1-based). */
export const BASE_TIME_MS = Date.UTC(2024, 0, 1);

/** Time between the `updated_at` of two consecutive records. */
export const CURSOR_STEP_MS = 1000;

/**
 * Largest record count of a stream. 10^9 seconds after the base time is in 2055, well inside
 * what `Date` and ISO-8601 strings with a 4-digit year can hold, and indexes stay below 2^32
 * (the per-record PRNG seeds from 32 bits).
 */
export const MAX_RECORD_COUNT = 1_000_000_000;

/** The `updated_at` of record `index`, in milliseconds since the epoch. */
export function updatedAtMs(index: number): number {
  return BASE_TIME_MS + index * CURSOR_STEP_MS;
}

/** The `updated_at` of record `index`, as the ISO-8601 UTC string records and state carry. */
export function updatedAtOf(index: number): string {
  return formatIsoTime(updatedAtMs(index));
}

// Strict ISO-8601 date-time with a zone: Date.parse alone accepts far looser text (and reads
// zone-less text as local time), which would make a typo'd cursor silently re-read or skip data.
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a cursor value into milliseconds since the epoch. Digits beyond milliseconds are
 * dropped (Python connectors write microseconds), which can only move the cursor earlier
 * within one millisecond and so never skips a record: records are whole seconds apart.
 * Throws {@link InvalidInputError} naming `option` for anything but an ISO-8601 date-time.
 */
export function parseCursor(value: unknown, option: string): number {
  const expected = 'an ISO-8601 date-time with a zone, such as "2024-01-01T00:00:01.000Z"';
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
  if (!match) throw new InvalidInputError(option, expected, describeValue(value));
  const [, dateTime, fraction, zone] = match;
  const millis = fraction === undefined ? '' : `.${fraction.slice(0, 3).padEnd(3, '0')}`;
  const ms = Date.parse(`${dateTime}${millis}${zone}`);
  if (Number.isNaN(ms)) throw new InvalidInputError(option, expected, describeValue(value));
  return ms;
}

/**
 * How many records have `updated_at <= cursor`, i.e. the index of the last record already
 * read; the next record to read is this plus one. Absent cursor: none read yet. The result may
 * exceed a stream's count (a cursor from a larger run); callers clamp.
 */
export function recordsAtOrBefore(cursorMs: number | undefined): number {
  if (cursorMs === undefined || cursorMs < BASE_TIME_MS) return 0;
  return Math.floor((cursorMs - BASE_TIME_MS) / CURSOR_STEP_MS);
}
