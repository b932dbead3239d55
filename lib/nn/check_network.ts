/**
 * Whether a network is whole: its sizes, layers, input shape, weights and biases agree with each
 * other, so an engine can run it without reading or writing outside an array. The model loader
 * checks every file with it, and `classify` and `train` every network, on every engine, before
 * anything runs.
 *
 * @module
 */

import { ACTIVATIONS } from "./activations.ts";
import { initProblem } from "./init.ts";
import { describeShape, sizeOf } from "./layers/layer.ts";
import { formatLayers, hasParameters } from "./layers/spec.ts";
import type { Matrix } from "./matrix.ts";
import type { Network } from "./network.ts";
import { parameterShapes, shapesOf } from "./sequential.ts";

const positiveIntegers = (list: unknown): list is number[] =>
  Array.isArray(list) && list.every((n) => Number.isInteger(n) && n > 0);

/**
 * What is wrong with `network`, or undefined when it is whole.
 *
 * @returns the first problem found, in words ("expected sizes …, found …")
 * @example
 * ```ts
 * import { createNetwork } from "./mlp.ts";
 * import { networkProblem } from "./check_network.ts";
 * networkProblem(createNetwork()); // undefined
 * ```
 */
export function networkProblem(network: Network): string | undefined {
  const { sizes, weights, biases } = network;
  if (!positiveIntegers(sizes) || sizes.length < 2) {
    return `expected sizes to list 2 or more positive integers, found ${JSON.stringify(sizes)}`;
  }
  if (!ACTIVATIONS.includes(network.hidden)) {
    return `expected hidden to be one of ${ACTIVATIONS.join(", ")}, found ${
      JSON.stringify(network.hidden)
    }`;
  }
  const init = initProblem(network.init);
  if (init) return `init: ${init}`;
  if (!Number.isInteger(network.seed) || network.seed < 0 || network.seed >= 2 ** 32) {
    return `expected seed to be an integer from 0 to 2^32 − 1, found ${
      JSON.stringify(network.seed)
    }`;
  }
  // The shape of every weight matrix and bias: from the sizes (an MLP), or from the layers.
  let shapes = sizes.slice(1).map((cols, l) => ({ rows: sizes[l], cols, biases: cols }));
  const kind: unknown = network.kind;
  if (kind !== "mlp" && kind !== "sequential") {
    return `expected kind to be "mlp" or "sequential", found ${JSON.stringify(kind)}`;
  }
  if (network.kind === "sequential") {
    const { input, layers } = network;
    if (
      !Array.isArray(layers) ||
      !positiveIntegers([input?.channels, input?.height, input?.width])
    ) {
      return `expected layers to be a list and input a shape of positive integers, found ${
        JSON.stringify(input)
      }`;
    }
    try {
      shapes = parameterShapes(input, layers);
      const outputs = shapesOf(input, layers).filter((_, i) => hasParameters(layers[i]));
      const expected = [sizeOf(input), ...outputs.map(sizeOf)];
      if (expected.join() !== sizes.join()) {
        return `expected sizes ${expected.join("-")} for input ${
          describeShape(input)
        } and layers "${formatLayers(layers)}", found ${sizes.join("-")}`;
      }
      if (layers.at(-1)?.type !== "dense") {
        return `expected the last layer to be dense (the output layer), found "${
          formatLayers(layers.slice(-1))
        }"`;
      }
    } catch (error) {
      return `layers: ${(error as Error).message}`;
    }
  }
  if (
    !Array.isArray(weights) || !Array.isArray(biases) || weights.length !== shapes.length ||
    biases.length !== shapes.length
  ) {
    return `expected ${shapes.length} weight matrices and bias vectors, found ${
      Array.isArray(weights) ? weights.length : "none"
    } and ${Array.isArray(biases) ? biases.length : "none"}`;
  }
  for (let l = 0; l < shapes.length; l++) {
    const { rows, cols, biases: count } = shapes[l];
    const w: Matrix = weights[l];
    if (
      !(w?.data instanceof Float32Array) || w.rows !== rows || w.cols !== cols ||
      w.data.length !== rows * cols
    ) {
      return `expected the weights of layer ${
        l + 1
      } to be ${rows}×${cols}, found ${w?.rows}×${w?.cols} holding ${w?.data?.length} values`;
    }
    if (!(biases[l] instanceof Float32Array) || biases[l].length !== count) {
      return `expected the biases of layer ${l + 1} to hold ${count} values, found ${
        biases[l]?.length
      }`;
    }
  }
  return undefined;
}

/**
 * Throws when `network` is not whole, or does not fit rows of `inputs` values.
 *
 * @param doing what could not be done, for the error: "Cannot classify"
 * @throws RangeError "Cannot classify: the network is damaged: expected …, found …"
 */
export function checkNetwork(network: Network, doing: string, inputs?: number): void {
  const problem = networkProblem(network);
  if (problem) throw new RangeError(`${doing}: the network is damaged: ${problem}`);
  if (inputs !== undefined && inputs !== network.sizes[0]) {
    throw new RangeError(
      `${doing}: the rows have ${inputs} values but the network takes ${network.sizes[0]} inputs`,
    );
  }
}
