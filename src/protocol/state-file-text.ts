/**
 * The text of a connector's `--state` file, with no imports but pure modules: the one copy,
 * used by the backend and by workflow code alike.
 */
import { stringifyExactJson } from './exact-json';
import type { AirbyteStateMessage } from './types';

/**
 * The text of a connector's `read --state FILE`: a JSON array of whole state messages,
 * laid out exactly as PyAirbyte writes it (`"[" + messages joined by "\n, " + "]"`). A BigInt
 * (an integer beyond ±(2^53 − 1) read from stored state) is written as its exact digits.
 */
export function toStateInputFileText(messages: Iterable<AirbyteStateMessage>): string {
  const parts: string[] = [];
  for (const message of messages) parts.push(stringifyExactJson(message));
  return `[${parts.join('\n, ')}]`;
}
