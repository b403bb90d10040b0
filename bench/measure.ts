import { performance } from 'node:perf_hooks';

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** A measured figure: the median of its runs, and every run. */
export interface Figure {
  readonly median: number;
  readonly samples: readonly number[];
  /** e.g. `writes/s`, `ms`, `MB`. */
  readonly unit: string;
}

/** A figure from its samples. */
export function figure(samples: readonly number[], unit: string): Figure {
  return { median: median(samples), samples, unit };
}

/** Milliseconds that `body` takes. */
export async function timeMs(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

/**
 * Runs each variant once untimed (warm-up: connections, JIT, first-use DDL), then `runs` timed
 * times, alternating their order (AB, BA, AB, …) so that a machine that gets busier or quieter
 * during the case does not favour one side. Each variant returns its own measured figure.
 */
export async function alternate<K extends string>(
  runs: number,
  variants: Record<K, (run: number) => Promise<number>>,
  options: { readonly warmUp?: boolean } = {},
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  if (options.warmUp ?? true) {
    for (const name of names) await variants[name](0);
  }
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 === 1 ? names : [...names].reverse();
    for (const name of order) samples[name].push(await variants[name](run));
  }
  return samples;
}
