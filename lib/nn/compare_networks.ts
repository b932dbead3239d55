/**
 * How two networks of the same shape differ, parameter by parameter: what "the same seed gives the
 * same network, another seed another one" means, counted. (`sameParameters` in `mlp.ts` says
 * whether they are identical.)
 *
 * @module
 */

import type { Network } from "./network.ts";

/**
 * How many weights and biases differ between two networks of the same sizes.
 *
 * @returns the number of parameters whose values are not identical
 * @example
 * ```ts
 * import { differingParameters } from "./compare_networks.ts";
 * import { createNetwork } from "./mlp.ts";
 * const sizes = [4, 3, 2];
 * differingParameters(createNetwork({ sizes }), createNetwork({ sizes })); // 0
 * differingParameters(createNetwork({ sizes }), createNetwork({ sizes, seed: 1 })); // 18: every weight, no bias
 * ```
 */
export function differingParameters(a: Network, b: Network): number {
  if (a.sizes.length !== b.sizes.length || a.sizes.some((n, l) => n !== b.sizes[l])) {
    throw new RangeError(
      `Cannot compare networks: the sizes differ, ${a.sizes.join("–")} and ${b.sizes.join("–")}`,
    );
  }
  const count = (x: Float32Array, y: Float32Array) => {
    let n = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) n++;
    return n;
  };
  return a.weights.reduce(
    (n, w, l) => n + count(w.data, b.weights[l].data) + count(a.biases[l], b.biases[l]),
    0,
  );
}
