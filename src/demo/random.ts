/**
 * A small seeded pseudo-random generator for the demo data. The demo must come out byte-identical
 * for the same options on every machine and run, so nothing here may touch `Math.random` or the
 * clock. mulberry32 is tiny, fast and good enough for made-up residents (not for secrets).
 */

/** Mixes two 32-bit words into one well-spread 32-bit seed (a murmur3-style finaliser). */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x6d2b79f5, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds any safe integer (the `--seed` option) into 32 bits without losing its high part. */
export function seedWord(seed: number): number {
  const low = seed % 0x1_0000_0000;
  const high = Math.floor(seed / 0x1_0000_0000);
  return mixSeed(low >>> 0, high >>> 0);
}

/**
 * A seeded random source. Each demo account gets its own, seeded from (seed, account index), so an
 * account's data does not depend on how many accounts are generated or in what chunks.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('Random.pick: empty list');
    return item;
  }

  /** One element of a non-empty list of `[item, weight]` pairs, in proportion to the weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of items) total += weight;
    let roll = this.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('Random.weighted: empty list');
    return last[0];
  }

  /** `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++)
      out += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return out;
  }
}

/**
 * A bijection of [0, modulus) chosen by the seed: `(a·i + b) mod modulus` with `a` coprime to the
 * modulus. It turns account and meter indexes into unique, scattered-looking numbers without a
 * lookup table or a uniqueness check. `modulus` must have no prime factors other than 2, 3 and 5.
 */
export function affinePermutation(seed: number, modulus: number): (index: number) => number {
  const random = new Random(seed);
  let a = random.int(1, modulus - 1);
  while (a % 2 === 0 || a % 3 === 0 || a % 5 === 0) a = (a + 1) % modulus || 1;
  const b = random.int(0, modulus - 1);
  // a·index stays below 2^53 for the moduli used here (≤ 10^8) and indexes below 10^7.
  return (index) => (a * index + b) % modulus;
}
