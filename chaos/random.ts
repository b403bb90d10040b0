/**
 * The seeded randomness of a chaos run. Every decision (when to kill, whom, which batch dies
 * after its commit, when a server goes down) draws from a generator forked from the run's seed by
 * a label, so `npm run chaos -- --seed N` replays the same schedule, and one scenario's draws do
 * not shift another's.
 */

/** A seeded generator (mulberry32). */
export class SeededRandom {
  private state: number;

  constructor(
    /** The run's seed; forks derive from it. */
    readonly seed: number,
    /** The path of labels this generator was forked by. */
    readonly label = '',
  ) {
    this.state = hash32(`${seed}\u0000${label}`);
  }

  /** An independent generator for `label`: the same for the same seed and path, whatever was drawn before. */
  fork(label: string): SeededRandom {
    return new SeededRandom(this.seed, `${this.label}/${label}`);
  }

  /** A number in `[0, 1)`. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in `[min, max]`. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('SeededRandom.pick: no items to pick from');
    return item;
  }

  /** `count` distinct whole numbers of `[min, max]`, ascending (fewer if the range is smaller). */
  sample(count: number, min: number, max: number): number[] {
    const all = Array.from({ length: Math.max(0, max - min + 1) }, (_, i) => min + i);
    for (let i = all.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [all[i], all[j]] = [all[j] as number, all[i] as number];
    }
    return all.slice(0, count).sort((a, b) => a - b);
  }
}

/** A fresh seed for a run that was given none. */
export function newSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** FNV-1a, then murmur3's finalizer. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
