/**
 * The demo generators' random numbers: a small seeded PRNG, so output depends on the seed alone
 * (never on Math.random), and the draws built on it.
 */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randInt = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

export function gaussian(rng: Rng): number {
  // Box–Muller; 1 - rng() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Weighted choice by binary search over cumulative weights: ~100k draws per table stay cheap. */
export class Weighted<T> {
  readonly items: T[] = [];
  private readonly cum: number[] = [];
  readonly total: number;

  constructor(entries: Iterable<readonly [T, number]>) {
    let sum = 0;
    for (const [item, weight] of entries) {
      if (!(weight > 0)) continue;
      sum += weight;
      this.items.push(item);
      this.cum.push(sum);
    }
    if (this.items.length === 0) throw new Error('Weighted: no item with a positive weight');
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

/** Weights keyed by name, in the order written. */
export type Weights<K extends string> = Partial<Record<K, number>>;

export const weightedOf = <K extends string>(weights: Weights<K>): Weighted<K> =>
  new Weighted(Object.entries(weights) as [K, number][]);

export const pad = (n: number, width: number): string => String(n).padStart(width, '0');
