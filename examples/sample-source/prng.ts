/**
 * A tiny seeded PRNG. Every record gets its own generator, seeded from a hash of
 * (seed, stream, index), so record i can be made without making records 1..i-1 first: that is
 * what turns "read after cursor C" into arithmetic instead of a replay.
 */

/** Murmur3's 32-bit finalizer: spreads every input bit over every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * FNV-1a hash of `(seed, stream)`, computed once per stream and read, so the per-record work
 * is only integer mixing. Seeds are safe integers; their decimal text is exact, so hashing the
 * text keeps seeds that differ only above 2^32 apart.
 */
export function streamKey(seed: number, stream: string): number {
  const text = `${seed}\u0000${stream}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * Mulberry32 (a fast generator with a 2^32 period, plenty for the ~10 draws one record makes),
 * seeded by mixing the stream key with the record index.
 */
export class RecordRandom {
  private state: number;

  /** Seeds the generator of record `index` (an integer below 2^32) of the stream `key`. */
  constructor(key: number, index: number) {
    // Two rounds of mixing, so neighbouring indexes start from unrelated states.
    this.state = fmix32(key ^ fmix32(index + 0x9e3779b9));
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in `[min, max]` (inclusive); the tiny modulo bias does not matter for sample data. */
  int(min: number, max: number): number {
    return min + (this.nextUint32() % (max - min + 1));
  }

  /** A number in `[0, 1)`. */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.nextUint32() % items.length] as T;
  }
}
