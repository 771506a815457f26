// Deterministic randomness for the JS side of the generator (day layouts, installations, bad lines). The
// SQL side uses DuckDB `hash()` of (seed, ...) instead; neither ever reads the clock or Math.random().

export interface Weighted<T> {
  value: T;
  weight: number;
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [low, high]. */
  between(low: number, high: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: ReadonlyArray<Weighted<T>>): T;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Log-normal with the given median and spread (sigma of the log): heavy-tailed counts. */
  logNormal(median: number, sigma: number): number;
  /** 64 hex characters, like a sha256 digest. */
  hex64(): string;
}

/** A stream of the seed: the same (seed, stream) always yields the same sequence. */
export function createRandom(seed: number, stream: string): Random {
  let state = (mix32(seed) ^ fnv1a(stream)) >>> 0;
  const next = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[int(items.length)]!;
  };
  return {
    next,
    int,
    between: (low, high) => low + int(high - low + 1),
    chance: (probability) => next() < probability,
    pick,
    weighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let target = next() * total;
      for (const item of items) {
        target -= item.weight;
        if (target < 0) return item.value;
      }
      return pick(items).value;
    },
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    logNormal(median, sigma) {
      return median * Math.exp(sigma * this.normal());
    },
    hex64: () => {
      let text = '';
      for (let i = 0; i < 8; i++) text += (int(0x100000000) >>> 0).toString(16).padStart(8, '0');
      return text;
    },
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mix32(value: number): number {
  let x = (value ^ (value >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}
