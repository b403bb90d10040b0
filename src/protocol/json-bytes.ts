/**
 * Sizes of JSON payloads, with no imports: workflow code uses them to refuse a payload before
 * Temporal would, and activities to check their results.
 */

/**
 * Default upper bound of one activity input or result: 1.5 MB, a quarter below Temporal's 2 MB
 * per payload (the gRPC message and the payload's metadata take their share too).
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_500_000;

/** The UTF-8 byte length of a string, without Node's Buffer or TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // a surrogate pair: 4 bytes for 2 code units
        i++;
        continue;
      }
      bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/** The size of `value` as Temporal's JSON payload converter writes it, in bytes. */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : utf8Length(text);
}
