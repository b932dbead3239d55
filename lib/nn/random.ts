/**
 * A seeded random generator, so that the same seed gives the same weights, shuffles and samples on
 * every run and every machine.
 *
 * @module
 */

/** The assignment's seed, the default wherever a seed is taken. */
export const DEFAULT_SEED = 695;

/** The largest seed: seeds are 32-bit, from 0 to 2^32 − 1. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * xoshiro128** (Blackman and Vigna, 2018): four 32-bit words of state, period 2^128 − 1, seeded
 * through SplitMix32 so that nearby seeds give unrelated streams.
 *
 * @example
 * ```ts
 * const rng = new Random(695);
 * rng.uniform(); // the same number on every run
 * ```
 */
export class Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal: number | undefined;

  /** @param seed an integer from 0 to 2^32 − 1; the same seed gives the same sequence */
  constructor(readonly seed: number = DEFAULT_SEED) {
    // Refused rather than wrapped: seeds 0 and 2^32 would otherwise give the same stream.
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new RangeError(
        `Cannot seed the random generator: expected an integer from 0 to ${MAX_SEED}, found ${seed}`,
      );
    }
    let state = seed >>> 0;
    const splitMix32 = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = splitMix32();
    this.#s1 = splitMix32();
    this.#s2 = splitMix32();
    this.#s3 = splitMix32();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform draw from [low, high); [0, 1) by default. */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * (this.nextUint32() / 4294967296);
  }

  /** A normal draw with the given mean and standard deviation (Box–Muller, both values used). */
  normal(mean = 0, std = 1): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + std * spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) would be −∞
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.uniform();
    this.#spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** A uniform integer from 0 to n − 1, without modulo bias. */
  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`Cannot draw an integer below n: expected 1 ≤ n ≤ 2^32, found ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const swap = array[i];
      array[i] = array[j];
      array[j] = swap;
    }
    return array;
  }

  /** A random permutation of 0 … n − 1. */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }

  /** Fills `out` with uniform draws from [low, high) and returns it. */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Fills `out` with normal draws and returns it. */
  fillNormal(out: Float32Array, mean: number, std: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
