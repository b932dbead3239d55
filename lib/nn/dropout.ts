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
 * A uniform number in [0, 1) from four integers: the same inputs give the same number anywhere.
 *
 * @returns the number
 * @example
 * ```ts
 * import { hashUniform } from "./dropout.ts";
 * hashUniform(695, 1, 2, 3) === hashUniform(695, 1, 2, 3); // true
 * ```
 */
export function hashUniform(seed: number, step: number, layer: number, index: number): number {
  const h = mix(
    seed ^ mix(Math.imul(step, 0x9e3779b1) ^ mix(Math.imul(layer, 0x27d4eb2f) ^ index)),
  );
  return h / 4294967296;
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
  const keep = 1 / (1 - rate);
  for (let i = 0; i < mask.length; i++) {
    mask[i] = hashUniform(dropout.seed, dropout.step, layer, i) < rate ? 0 : keep;
  }
  return mask;
}
