import { describeValue, InvalidInputError, InvalidStateMessageError } from '../errors';
import { parseExactJson } from '../protocol/exact-json';
import type { AirbyteStateMessage } from '../protocol/types';
import { isPlainObject, prepareStateMessage } from '../protocol/validate';

/**
 * Reads the state messages of a `state set` input: a connector's `--state` file (a JSON array of
 * state messages), the output of `state get --json` (an object whose `messages` are them, its
 * other fields ignored), or one state message. Every message is validated as a write would;
 * an error names the file's JSON path, e.g. `$.messages[1].stream.stream_descriptor.name`.
 * An integer beyond ±(2^53 − 1) is kept exactly (a BigInt), so it is stored with its own digits.
 */
export function parseStateInput(
  text: string,
  options: { readonly maxBytes?: number } = {},
): AirbyteStateMessage[] {
  let value: unknown;
  try {
    value = parseExactJson(text);
  } catch (error) {
    throw new InvalidStateMessageError(
      '$',
      'JSON: a state file (an array of state messages) or the output of `state get --json`',
      `text that is not JSON (${(error as Error).message})`,
    );
  }
  let items: unknown[];
  let path: string;
  if (Array.isArray(value)) {
    [items, path] = [value, '$'];
  } else if (isPlainObject(value) && 'messages' in value && !('type' in value)) {
    if (!Array.isArray(value.messages)) {
      throw new InvalidStateMessageError(
        '$.messages',
        'an array of state messages',
        describeValue(value.messages),
      );
    }
    [items, path] = [value.messages, '$.messages'];
  } else if (isPlainObject(value)) {
    return [prepareStateMessage(value, options).message];
  } else {
    throw new InvalidStateMessageError(
      '$',
      'an array of state messages, or an object with "messages"',
      describeValue(value),
    );
  }
  if (items.length === 0)
    throw new InvalidInputError('input', 'at least one state message', 'an empty list');
  return items.map((item, i) => {
    try {
      return prepareStateMessage(item, options).message;
    } catch (error) {
      if (!(error instanceof InvalidStateMessageError)) throw error;
      throw new InvalidStateMessageError(
        error.path.replace(/^\$/, `${path}[${i}]`),
        error.expected,
        error.received,
      );
    }
  });
}
