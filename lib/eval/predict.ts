/**
 * Classifying images with a trained network, on any engine.
 *
 * @module
 */

import type { EngineName } from "../engines/engine.ts";
import { chooseEngine, DEFAULT_ENGINE } from "../engines/registry.ts";
import type { Matrix } from "../nn/matrix.ts";
import type { Network } from "../nn/mlp.ts";

/**
 * The softmax outputs for every row of `images`, on the WebAssembly engine by default.
 *
 * @param options `engine` and `threads` ("auto": every core)
 * @returns rows × classes probabilities
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
  const threads = options.threads === "auto" ? undefined : options.threads;
  // Where the engine lacks the network's activation, the reference engine classifies instead.
  const plain = { optimizer: "sgd", momentum: 0, weightDecay: 0 } as const;
  const { engine } = await chooseEngine(options.engine ?? DEFAULT_ENGINE, {
    network,
    optimizer: plain,
  });
  return engine.classify(network, images, threads);
}
