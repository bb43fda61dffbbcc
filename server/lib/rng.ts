/**
 * A small seeded pseudo-random number generator for the demo geography and the simulator.
 *
 * Why not Math.random: everything generated from a seed (street polygons, grids, simulated
 * incidents) must come out identical on every run and every machine, so that a wall screenshot,
 * a test and a bug report all talk about the same city. sfc32 is fast, passes PractRand, and uses
 * only 32-bit integer arithmetic, which JavaScript engines evaluate identically everywhere.
 * A string seed is hashed to four 32-bit words with cyrb128.
 */

export interface Rng {
  /** uniform float in [0, 1) */
  next(): number;
  /** uniform float in [min, max) */
  float(min: number, max: number): number;
  /** uniform integer in [min, max], both inclusive */
  int(min: number, max: number): number;
  /** true with probability p */
  chance(p: number): boolean;
  /** one element, uniformly; throws on an empty array */
  pick<T>(items: readonly T[]): T;
  /** one element, with probability proportional to its weight (weights ≥ 0, not all zero) */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** normally distributed value (Box–Muller) */
  normal(mean?: number, sd?: number): number;
  /** shuffles in place (Fisher–Yates) and returns the same array */
  shuffle<T>(items: T[]): T[];
  /**
   * An independent generator derived from this one's seed and a label. Use it to give each part of
   * a computation its own stream, so that adding a draw in one part does not shift every other part.
   */
  fork(label: string): Rng;
  /** the seed this generator was created from */
  readonly seed: string;
}

/** cyrb128: hashes a string to four well-mixed 32-bit words (public domain, bryc). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), returns uint32 values. */
function sfc32(seedWords: [number, number, number, number]): () => number {
  let [a, b, c, d] = seedWords;
  const step = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of a freshly seeded sfc32 are poorly mixed; discard a few.
  for (let i = 0; i < 12; i++) step();
  return step;
}

export function createRng(seed: string): Rng {
  const nextUint32 = sfc32(cyrb128(seed));
  let spareNormal: number | null = null;

  const next = (): number => nextUint32() / 4294967296;

  const rng: Rng = {
    seed,
    next,
    float: (min, max) => min + (max - min) * next(),
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new RangeError(`rng.int needs integers min <= max, got ${min}, ${max}`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('rng.pick from an empty array');
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted<T>(items: readonly T[], weights: readonly number[]): T {
      if (items.length === 0 || items.length !== weights.length) {
        throw new RangeError('rng.weighted needs as many weights as items, and at least one item');
      }
      let total = 0;
      for (const w of weights) {
        if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`rng.weighted: bad weight ${w}`);
        total += w;
      }
      if (total <= 0) throw new RangeError('rng.weighted: all weights are zero');
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i] as number;
        if (r < 0) return items[i] as T;
      }
      // Floating-point leftovers: fall back to the last item with a positive weight.
      for (let i = items.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return items[i] as T;
      return items[items.length - 1] as T;
    },
    normal(mean = 0, sd = 1) {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;
        return mean + sd * z;
      }
      let u = 0;
      while (u === 0) u = next(); // log(0) is -Infinity
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return mean + sd * radius * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i] as T;
        items[i] = items[j] as T;
        items[j] = tmp;
      }
      return items;
    },
    fork: (label) => createRng(`${seed}/${label}`),
  };
  return rng;
}
