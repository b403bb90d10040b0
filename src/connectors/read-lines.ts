import type { Readable } from 'node:stream';
import { ConnectorError } from './connector-error';

/** Default longest stdout line, in characters: 64 Mi, far above any sane record. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;

/**
 * The lines of a text stream, without their line ends, empty lines skipped. Reads the stream
 * only as fast as the caller consumes lines: while the caller awaits (a database commit), the
 * pipe fills and the connector blocks on its next write. A line longer than `maxLineLength`
 * throws instead of growing memory without bound.
 */
export async function* readLines(
  stream: Readable,
  maxLineLength = DEFAULT_MAX_LINE_LENGTH,
): AsyncGenerator<string> {
  stream.setEncoding('utf8'); // decodes UTF-8 across chunk boundaries
  let carry = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = carry + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.slice(start, text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
      start = end + 1;
      if (line !== '') yield line;
    }
    carry = text.slice(start);
    if (carry.length > maxLineLength)
      throw new ConnectorError(
        'ConnectorProtocolError',
        `The connector wrote a line longer than ${maxLineLength} characters (an Airbyte message is one line of JSON).`,
      );
  }
  if (carry.trim() !== '') yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}
