/** Text output for people: aligned tables and short renderings of values. */

import { stringifyExactJson } from '../protocol/exact-json';

/** Renders rows as an aligned table with a header line; cells are trimmed to one line. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => cell.replace(/\s*\n\s*/g, ' ')));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Compact JSON (integers beyond 2^53 exact), cut to `max` characters with `…`. */
export function shortJson(value: unknown, max = 60): string {
  const text = (stringifyExactJson(value) as string | undefined) ?? 'null';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `-` for an absent value. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

/** A stream as people read it: `namespace.name`, or `name`. */
export function streamText(name: string | null, namespace: string | null): string {
  return namespace ? `${namespace}.${name ?? ''}` : (name ?? '-');
}

/** `1 stream` / `3 streams`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
