import { isPlainObject } from '../protocol/validate';
import { ConnectorError } from './connector-error';
import type { ConnectorMessage } from './connector-messages';
import { findUnsafeInteger } from './unsafe-integers';

/** A stdout line: an Airbyte message, or text that is not one (and why). */
export type ParsedLine =
  | { readonly message: ConnectorMessage; readonly text?: undefined }
  | { readonly text: string; readonly reason: string; readonly message?: undefined };

/**
 * Parses one stdout line of a connector. Text that is not a JSON object with a string `type` is
 * returned as text (the caller decides: Airbyte's platform logs it). A RECORD or STATE that is
 * malformed, or a STATE holding an integer JavaScript cannot represent exactly, throws a
 * `ConnectorProtocolError`: committing it would store something other than what the connector sent.
 */
export function parseMessageLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { text: line, reason: 'not JSON' };
  }
  if (!isPlainObject(value) || typeof value.type !== 'string')
    return { text: line, reason: 'not an Airbyte message (a JSON object with a "type")' };
  if (value.type === 'RECORD') {
    const record = value.record;
    if (
      !isPlainObject(record) ||
      typeof record.stream !== 'string' ||
      record.stream === '' ||
      !isPlainObject(record.data)
    )
      throw protocolError('a RECORD without record.stream and record.data', line);
    return { message: { ...(value as object), line } as ConnectorMessage };
  }
  if (value.type === 'STATE') {
    if (!isPlainObject(value.state)) throw protocolError('a STATE without a state object', line);
    const unsafe = findUnsafeInteger(line);
    if (unsafe !== undefined)
      throw protocolError(
        `a STATE holding the integer ${unsafe}, beyond 2^53 - 1: JavaScript cannot hold it exactly, ` +
          'and a rounded state would resume the connector from another position, so it is not committed',
        line,
      );
    return { message: { ...(value as object), line } as ConnectorMessage };
  }
  return { message: value as unknown as ConnectorMessage };
}

/** The start of a line, for error messages. */
export function preview(line: string, max = 200): string {
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function protocolError(what: string, line: string): ConnectorError {
  return new ConnectorError(
    'ConnectorProtocolError',
    `The connector wrote ${what}: ${preview(line)}`,
  );
}
