import { describeValue, InvalidStateMessageError } from '../errors';
import { parseExactJson } from './exact-json';

export { toStateInputFileText } from './state-file-text';
import type { AirbyteStateMessage } from './types';
import { type ValidateOptions, validateStateMessage } from './validate';

/**
 * Parses a `--state` file (a JSON array of state messages, or one message) and validates each
 * message; integers beyond ±(2^53 − 1) become exact BigInts. Throws
 * {@link InvalidStateMessageError} for non-JSON text or any invalid message.
 */
export function parseStateInputFileText(
  text: string,
  options: ValidateOptions = {},
): AirbyteStateMessage[] {
  let parsed: unknown;
  try {
    parsed = parseExactJson(text);
  } catch (error) {
    throw new InvalidStateMessageError(
      '$',
      'JSON text (an array of state messages)',
      `text that is not JSON (${(error as Error).message})`,
    );
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) parsed = [parsed];
  if (!Array.isArray(parsed)) {
    throw new InvalidStateMessageError('$', 'an array of state messages', describeValue(parsed));
  }
  return parsed.map((item, i) => {
    try {
      return validateStateMessage(item, options);
    } catch (error) {
      if (error instanceof InvalidStateMessageError) {
        throw new InvalidStateMessageError(
          error.path.replace(/^\$/, `$[${i}]`),
          error.expected,
          error.received,
        );
      }
      throw error;
    }
  });
}
