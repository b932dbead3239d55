/**
 * Classifying images with a trained network, on any engine.
 *
 * @module
 */

import type { EngineName } from "../engines/engine.ts";
import { checkNetwork } from "../nn/check_network.ts";
import { chooseEngine, DEFAULT_ENGINE } from "../engines/registry.ts";
import type { Matrix } from "../nn/matrix.ts";
import type { Network } from "../nn/network.ts";

/**
 * Where the first value that is not a finite number lies in `values`, or -1. A function of its
 * own, which the JavaScript compiler optimises after a few calls: the same loop inside `classify`
 * (an async function) ran unoptimised as often as not, up to 2.5 ms over the test set's 100,000
 * probabilities, a third of classifying them with the assignment's MLP; findIndex's callback 0.8 ms.
 */
function firstNotFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return i; // NaN and ±Infinity give NaN here, every finite value 0
  }
  return -1;
}

/**
 * The softmax outputs for every row of `images`, on the WebAssembly engine by default.
 *
 * @param options `engine` and `threads` ("auto": every core)
 * @returns rows × classes probabilities
 * @throws RangeError when the network is not whole, does not fit the rows, or overflows
 * @example
 * ```ts
 * import { classify, createNetwork, matrix } from "../mod.ts";
 * const probabilities = await classify(createNetwork(), matrix(5, 784));
 * probabilities.rows; // 5
 * ```
 */
export async function classify(
  network: Network,
  images: Matrix,
  options: { engine?: EngineName; threads?: number | "auto" } = {},
): Promise<Matrix> {
  // Whole, and fitting the rows, before any engine reads a byte: no engine reads past an array.
  checkNetwork(network, "Cannot classify", images.cols);
  const threads = options.threads === "auto" ? undefined : options.threads;
  // Where the engine lacks the network's activation, the reference engine classifies instead.
  const plain = { optimizer: "sgd", momentum: 0, weightDecay: 0 } as const;
  const { engine } = await chooseEngine(options.engine ?? DEFAULT_ENGINE, {
    network,
    optimizer: plain,
  });
  const out = await engine.classify(network, images, threads);
  // Finite weights can still overflow 32-bit floats on the way (3e38 × a pixel): say so, rather
  // than print "NaN%".
  const bad = firstNotFinite(out.data);
  if (bad >= 0) {
    let largest = 0;
    for (const w of network.weights) {
      for (const v of w.data) largest = Math.max(largest, Math.abs(v));
    }
    throw new RangeError(
      `Cannot classify: the network's outputs are not numbers (row ${
        Math.floor(bad / out.cols)
      } gives ${out.data[bad]}): its weights, as large as ${
        largest.toPrecision(3)
      }, overflow 32-bit floats; expected a trained network's weights`,
    );
  }
  return out;
}
