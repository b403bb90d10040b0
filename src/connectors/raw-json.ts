/**
 * The text of JSON objects, member by member, without parsing them into values: what a connector
 * wrote is stored as it wrote it (`12.0` stays `12.0`, `1.50` stays `1.50`, unknown fields such as
 * the platform's `id` keep their bytes), where `JSON.stringify(JSON.parse(text))` would change it.
 * The input must be valid JSON (the caller parsed it already): the scanner does not report errors.
 */

/** One top-level member of an object text: its key, and where its value starts and ends. */
interface MemberSpan {
  readonly key: string;
  readonly valueStart: number;
  /** Just past the value's last character (trailing whitespace excluded). */
  readonly valueEnd: number;
}

/** The exact text of the value of the top-level member `key` of the object `text`, or `undefined`. */
export function memberText(text: string, key: string): string | undefined {
  const span = members(text).find((m) => m.key === key);
  return span && text.slice(span.valueStart, span.valueEnd);
}

/**
 * The object `text` with its top-level member `key` set to `valueText`: the value replaced in
 * place when the key is there, else `,"key":valueText` added before the closing brace. Every
 * other byte is kept.
 */
export function withMember(text: string, key: string, valueText: string): string {
  const spans = members(text);
  const span = spans.find((m) => m.key === key);
  if (span) return text.slice(0, span.valueStart) + valueText + text.slice(span.valueEnd);
  const close = text.lastIndexOf('}');
  const member = `${JSON.stringify(key)}:${valueText}`;
  return `${text.slice(0, close)}${spans.length > 0 ? ',' : ''}${member}${text.slice(close)}`;
}

function members(text: string): MemberSpan[] {
  const found: MemberSpan[] = [];
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return found;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== '}') {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    i = skipSpace(text, i + 1); // the colon
    const valueStart = i;
    const valueEnd = skipValue(text, i);
    found.push({ key, valueStart, valueEnd });
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return found;
}

function skipSpace(text: string, i: number): number {
  while (
    i < text.length &&
    (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')
  )
    i++;
  return i;
}

/** Past the string that starts at `i` (its opening quote). */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Past the value that starts at `i`: a string, an object or array (nested), or a literal. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i = skipString(text, i);
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < text.length && !/[\s,}\]]/.test(text[i] ?? '')) i++;
  return i;
}
