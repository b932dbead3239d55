/**
 * Inverted dropout (Srivastava et al., 2014): while training, each unit of a layer is kept with
 * probability 1 − p and scaled by 1/(1 − p), or dropped (set to 0), so no unit can rely on any
 * other; at test time nothing is dropped and nothing needs rescaling.
 *
 * Which units are dropped comes from a hash of (seed, step, layer, index), not from a stream of
 * random numbers: the same seed drops the same units whatever the order or the thread that asks,
 * so the fast engines reproduce the reference exactly.
 *
 * @module
 */

/** Dropout while training: a rate per layer of activations, and the seed of the masks. */
export interface Dropout {
  /** rates[0] drops inputs; rates[l] drops the outputs of hidden layer l (0 for none). */
  rates: number[];
  seed: number;
  /** The training step, so that every batch gets new masks. */
  step: number;
}

/** Mixes the bits of a 32-bit integer (murmur3's finaliser). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 32-bit hash of four integers: the same inputs give the same bits anywhere
 * (`lib/engines/c/dropout.c` has the same function).
 *
 * @returns an integer from 0 to 2^32 − 1
 * @example
 * ```ts
 * import { dropoutHash } from "./dropout.ts";
 * dropoutHash(695, 1, 2, 3) === dropoutHash(695, 1, 2, 3); // true
 * ```
 */
export function dropoutHash(seed: number, step: number, layer: number, index: number): number {
  return mix(seed ^ mix(Math.imul(step, 0x9e3779b1) ^ mix(Math.imul(layer, 0x27d4eb2f) ^ index)));
}

/**
 * A unit is dropped when its hash is below this: the rate's share of all 2^32 hashes.
 *
 * @returns an integer from 0 to 2^32 − 1
 */
export function dropThreshold(rate: number): number {
  return Math.floor(rate * 4294967296);
}

/**
 * Fills `mask` with the inverted-dropout factors of one layer: 1/(1 − rate) for a kept unit, 0 for
 * a dropped one.
 *
 * @param mask one factor per activation of the batch (rows × units)
 * @returns `mask`
 */
export function dropoutMask(
  mask: Float32Array,
  rate: number,
  dropout: Dropout,
  layer: number,
): Float32Array {
  const keep = Math.fround(1 / (1 - rate)), threshold = dropThreshold(rate);
  for (let i = 0; i < mask.length; i++) {
    mask[i] = dropoutHash(dropout.seed, dropout.step, layer, i) < threshold ? 0 : keep;
  }
  return mask;
}
