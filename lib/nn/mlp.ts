/**
 * The assignment's multi-layer perceptron: its shape, its parameters, and creating it with seeded
 * random weights. A layer computes z = a·W + b for a batch of rows a, so W is fan_in × fan_out;
 * hidden layers apply an activation f (sigmoid by default) and the output layer a row-wise softmax.
 * The passes through it are in `backprop.ts`.
 *
 * @module
 */

import { type ActivationName, ACTIVATIONS } from "./activations.ts";
import { defaultInit, initDistribution, type InitOption, initProblem } from "./init.ts";
import { type Matrix, matrix } from "./matrix.ts";
import { DEFAULT_SEED, Random } from "./random.ts";
import type { Gradients, MlpNetwork, Network } from "./network.ts";

/** What `createNetwork` takes; every field has a default. */
export interface NetworkOptions {
  /** Layer sizes from input to output; default the assignment's [784, 128, 64, 10]. */
  sizes?: number[];
  /** The hidden layers' activation; default "sigmoid". */
  hidden?: ActivationName;
  /** The weight initialisation; default: the one that suits the activation (`defaultInit`). */
  init?: InitOption;
  /** The seed of the weights; default 695. */
  seed?: number;
}

function validateOptions(options: NetworkOptions): Required<NetworkOptions> {
  const sizes = options.sizes ?? [784, 128, 64, 10];
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new RangeError(
      `Cannot create a network: expected sizes to list at least an input and an output size, found ${
        JSON.stringify(sizes)
      }`,
    );
  }
  sizes.forEach((size, l) => {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `Cannot create a network: expected layer sizes to be positive integers, found ${size} at sizes[${l}]`,
      );
    }
  });
  const hidden = options.hidden ?? "sigmoid";
  if (!ACTIVATIONS.includes(hidden)) {
    throw new RangeError(
      `Cannot create a network: unknown hidden activation "${hidden}"; expected one of ${
        ACTIVATIONS.join(", ")
      }`,
    );
  }
  const init = options.init ?? defaultInit(hidden);
  const problem = initProblem(init);
  if (problem) throw new RangeError(`Cannot create a network: unknown init; ${problem}`);
  const seed = options.seed ?? DEFAULT_SEED;
  return { sizes: [...sizes], hidden, init, seed };
}

/**
 * Creates a network with seeded random weights and zero biases.
 *
 * @param options `sizes`, `hidden`, `init` and `seed` (see {@linkcode NetworkOptions})
 * @returns the network: its sizes, activation, initialisation, seed, weights and biases
 * @example
 * ```ts
 * const network = createNetwork(); // 784-128-64-10, sigmoid, Glorot-uniform, seed 695
 * network.weights[0].rows; // 784
 * ```
 */
export function createNetwork(options: NetworkOptions = {}): MlpNetwork {
  const { sizes, hidden, init, seed } = validateOptions(options);
  const rng = new Random(seed);
  const weights: Matrix[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = matrix(sizes[l], sizes[l + 1]);
    const spec = initDistribution(init, sizes[l], sizes[l + 1]);
    if (spec.distribution === "uniform") rng.fillUniform(w.data, spec.low!, spec.high!);
    else rng.fillNormal(w.data, 0, spec.std!);
    weights.push(w);
    biases.push(new Float32Array(sizes[l + 1]));
  }
  return { kind: "mlp", sizes, hidden, init, seed, weights, biases };
}

/**
 * Number of weights and biases in all layers.
 *
 * @returns the number of weights and biases
 */
export function parameterCount(network: Network): number {
  return network.weights.reduce((n, w, l) => n + w.data.length + network.biases[l].length, 0);
}

/**
 * One step of gradient descent: W ← W − η ∂L/∂W and b ← b − η ∂L/∂b, in place.
 *
 * @param network updated in place
 * @param gradients from {@linkcode backprop}
 * @param learningRate η
 *
 * @returns the network, updated in place
 */
export function gradientDescentStep<N extends Network>(
  network: N,
  gradients: Gradients,
  learningRate: number,
): N {
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(
      `Cannot take a gradient step: expected a positive learning rate, found ${learningRate}`,
    );
  }
  network.weights.forEach((w, l) => {
    const g = gradients.gradWeights[l].data, W = w.data;
    for (let i = 0; i < W.length; i++) W[i] -= learningRate * g[i];
    const gb = gradients.gradBiases[l], b = network.biases[l];
    for (let i = 0; i < b.length; i++) b[i] -= learningRate * gb[i];
  });
  return network;
}

/**
 * A deep copy of a network (its parameters are not shared).
 *
 * @returns a network with copies of every parameter
 */
export function cloneNetwork<N extends Network>(network: N): N {
  return {
    ...network,
    sizes: [...network.sizes],
    weights: network.weights.map((w) => ({ ...w, data: w.data.slice() })),
    biases: network.biases.map((b) => b.slice()),
  };
}

/**
 * Whether two networks have the same sizes and bit-identical weights and biases.
 *
 * @returns true when every parameter is equal
 * @example
 * ```ts
 * import { cloneNetwork, createNetwork, sameParameters } from "./mlp.ts";
 * const network = createNetwork();
 * sameParameters(network, cloneNetwork(network)); // true
 * ```
 */
export function sameParameters(a: Network, b: Network): boolean {
  const equal = (x: Float32Array, y: Float32Array) =>
    x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  return a.sizes.length === b.sizes.length && a.sizes.every((n, l) => n === b.sizes[l]) &&
    a.weights.every((w, l) => equal(w.data, b.weights[l].data)) &&
    a.biases.every((bias, l) => equal(bias, b.biases[l]));
}
