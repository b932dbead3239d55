/**
 * Why the range of the initial weights matters: one layer's weights drawn from a uniform range, the
 * pre-activations z = x·W they give a batch, and the share of z where a sigmoid saturates (|z| > 5,
 * where σ'(z) < 0.007 and the unit barely learns).
 *
 * @module
 */

import { matmul } from "./kernels.ts";
import { type Matrix, matrix, shapeOf } from "./matrix.ts";
import { DEFAULT_SEED, Random } from "./random.ts";

/**
 * One layer's weights, fanIn × fanOut, drawn from U(−limit, limit) with a seeded generator: the
 * first layer `createNetwork` draws with `init: { kind: "uniform", low: -limit, high: limit }` and
 * the same seed, without the rest of the network.
 *
 * @param limit the half-width of the range, > 0
 * @param seed the generator's seed (default 695)
 * @returns a fanIn × fanOut matrix
 * @example
 * ```ts
 * import { uniformWeights } from "./saturation.ts";
 * const w = uniformWeights(784, 128, 0.081); // every value in [−0.081, 0.081)
 * w.rows; // 784
 * ```
 */
export function uniformWeights(
  fanIn: number,
  fanOut: number,
  limit: number,
  seed = DEFAULT_SEED,
): Matrix {
  if (!(limit > 0 && Number.isFinite(limit))) {
    throw new RangeError(`Cannot draw uniform weights: expected a positive limit, found ${limit}`);
  }
  const w = matrix(fanIn, fanOut);
  new Random(seed).fillUniform(w.data, -limit, limit);
  return w;
}

/**
 * A layer's pre-activations before bias and activation, z = x·W, for every row of a batch.
 *
 * @param x the batch, rows × fanIn
 * @param weights fanIn × fanOut
 * @returns rows × fanOut values, flat
 * @example
 * ```ts
 * import { preActivations } from "./saturation.ts";
 * import { fromRows } from "./matrix.ts";
 * preActivations(fromRows([[1, 2]]), fromRows([[1], [3]])); // Float32Array [7]
 * ```
 */
export function preActivations(x: Matrix, weights: Matrix): Float32Array {
  if (x.cols !== weights.rows) {
    throw new RangeError(
      `Cannot compute pre-activations: the batch is ${shapeOf(x)} but the weights are ${
        shapeOf(weights)
      }`,
    );
  }
  return matmul(x, weights, matrix(x.rows, weights.cols)).data;
}

/**
 * The share of pre-activations beyond ±`limit`, where a sigmoid unit is saturated.
 *
 * @param z pre-activations
 * @param limit the saturation threshold (default 5: σ'(5) ≈ 0.0066)
 * @returns a number from 0 to 1
 * @example
 * ```ts
 * import { saturatedShare } from "./saturation.ts";
 * saturatedShare([-7, -1, 0, 2, 6]); // 0.4
 * ```
 */
export function saturatedShare(z: ArrayLike<number>, limit = 5): number {
  let count = 0;
  for (let i = 0; i < z.length; i++) if (Math.abs(z[i]) > limit) count++;
  return z.length === 0 ? 0 : count / z.length;
}
