/**
 * JSON text to values and back without changing an integer. `JSON.parse` reads
 * 1790000000000000123 as 1790000000000000000 (Node 20 gives a reviver no source text), while
 * connectors and PyAirbyte keep such integers exactly (Python ints): a rounded cursor skips
 * records. Here an integer beyond ±(2^53 − 1) is read as a BigInt and written back as the same
 * digits; everything else is what `JSON.parse` and `JSON.stringify` make of it.
 */

/** A run of 16 digits: the shortest text of an integer beyond 2^53 − 1 (9007199254740992). */
const LONG_DIGITS = /\d{16}/;
const INTEGER_TEXT = /^-?\d{16,}$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** A JSON number token: integer part, then an optional fraction and exponent. */
const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

/** True for the text of an integer (no fraction, no exponent) beyond ±(2^53 − 1). */
export function isUnsafeIntegerText(token: string): boolean {
  if (!INTEGER_TEXT.test(token)) return false;
  const value = BigInt(token);
  return value > MAX_SAFE || value < -MAX_SAFE;
}

/**
 * True for a number that `JSON.stringify` writes as an integer beyond ±(2^53 − 1): a value that
 * was probably rounded already (from 1e21 up it is written as `1e+21`, a float, and reads back
 * unchanged).
 */
export function isUnsafeIntegerNumber(value: number): boolean {
  return Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21;
}

/**
 * `JSON.parse`, except that an integer beyond ±(2^53 − 1) becomes a BigInt with exactly its
 * digits. Invalid text throws `JSON.parse`'s own SyntaxError. Text without 16 digits in a row
 * (nearly all state) costs one regex test more than `JSON.parse`.
 */
export function parseExactJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (!LONG_DIGITS.test(text)) return value;
  // The text is valid JSON (JSON.parse said so): the reader below need not report errors.
  return new ExactReader(text).value();
}

/**
 * `JSON.stringify(value, null, indent)`, except that a BigInt is written as its digits (where
 * `JSON.stringify` throws). Plain JSON takes the native path; only values with a BigInt take ours.
 */
export function stringifyExactJson(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent);
  } catch (error) {
    // A BigInt, or a cycle (which the writer reports too).
    if (!(error instanceof TypeError)) throw error;
    return new ExactWriter(indent === undefined ? '' : ' '.repeat(indent)).write(value, '', '');
  }
}

/** Where a value holds a BigInt, and its digits. */
export interface BigIntFound {
  /** JSON path from `path`, e.g. `$.stream.stream_state.since_id`. */
  readonly path: string;
  /** The integer as written, e.g. `1790000000000000123`. */
  readonly integer: string;
}

/** The first BigInt in `value` (depth first, in key order), or `undefined`. */
export function findBigInt(value: unknown, path = '$'): BigIntFound | undefined {
  if (typeof value === 'bigint') return { path, integer: value.toString() };
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBigInt(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = findBigInt(item, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/** Reads JSON text that is known to be valid, keeping unsafe integers as BigInt. */
class ExactReader {
  private i = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipSpace();
    switch (this.text.charCodeAt(this.i)) {
      case 0x7b /* { */:
        return this.object();
      case 0x5b /* [ */:
        return this.array();
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        this.i += 4;
        return true;
      case 0x66 /* f */:
        this.i += 5;
        return false;
      case 0x6e /* n */:
        this.i += 4;
        return null;
      default:
        return this.number();
    }
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) === 0x7d /* } */) {
      this.i++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const key = this.string();
      this.skipSpace();
      this.i++; // :
      const item = this.value();
      // As JSON.parse: "__proto__" is an own key, not the prototype; a repeated key: the last wins.
      if (key === '__proto__')
        Object.defineProperty(out, key, {
          value: item,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else out[key] = item;
      this.skipSpace();
      if (this.text.charCodeAt(this.i++) === 0x7d /* } */) return out;
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) === 0x5d /* ] */) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      if (this.text.charCodeAt(this.i++) === 0x5d /* ] */) return out;
    }
  }

  private string(): string {
    const start = this.i++;
    let escaped = false;
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (c === 0x22 /* " */) break;
      if (c === 0x5c /* \ */) {
        escaped = true;
        this.i += 2;
      } else this.i++;
    }
    this.i++;
    return escaped
      ? (JSON.parse(this.text.slice(start, this.i)) as string)
      : this.text.slice(start + 1, this.i - 1);
  }

  private number(): number | bigint {
    NUMBER_TOKEN.lastIndex = this.i;
    const match = NUMBER_TOKEN.exec(this.text);
    const token = match?.[0] ?? '';
    this.i += token.length;
    const integer = match?.[1] === undefined && match?.[2] === undefined;
    return integer && isUnsafeIntegerText(token) ? BigInt(token) : Number(token);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }
}

/** Writes a value as `JSON.stringify(value, null, gap)` would, BigInts as their digits. */
class ExactWriter {
  private readonly ancestors: object[] = [];

  constructor(private readonly gap: string) {}

  /** The text of `value` at `key`; `undefined` where `JSON.stringify` leaves the value out. */
  write(value: unknown, key: string, indent: string): string;
  write(value: unknown, key: string, indent: string, inObject: true): string | undefined;
  write(value: unknown, key: string, indent: string, inObject = false): string | undefined {
    let v = value;
    const toJSON = (v as { toJSON?: unknown } | null | undefined)?.toJSON;
    if (typeof toJSON === 'function') v = (toJSON as (key: string) => unknown).call(v, key);
    switch (typeof v) {
      case 'bigint':
        return v.toString();
      case 'string':
      case 'boolean':
      case 'number':
        return JSON.stringify(v);
      case 'object':
        if (v === null) return 'null';
        if (this.ancestors.includes(v))
          throw new TypeError('Converting circular structure to JSON');
        this.ancestors.push(v);
        try {
          return Array.isArray(v) ? this.array(v, indent) : this.object(v, indent);
        } finally {
          this.ancestors.pop();
        }
      default: // undefined, functions, symbols
        return inObject ? undefined : 'null';
    }
  }

  private array(items: readonly unknown[], indent: string): string {
    if (items.length === 0) return '[]';
    const inner = indent + this.gap;
    const parts = items.map((item, i) => this.write(item, String(i), inner));
    return this.wrap('[', ']', parts, indent, inner);
  }

  private object(value: object, indent: string): string {
    const inner = indent + this.gap;
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const text = this.write(item, key, inner, true);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${this.gap ? ' ' : ''}${text}`);
    }
    return parts.length === 0 ? '{}' : this.wrap('{', '}', parts, indent, inner);
  }

  private wrap(open: string, close: string, parts: string[], indent: string, inner: string) {
    if (!this.gap) return `${open}${parts.join(',')}${close}`;
    return `${open}\n${inner}${parts.join(`,\n${inner}`)}\n${indent}${close}`;
  }
}
