/**
 * The multi-layer perceptron: create it, feed a batch forward, and backpropagate the
 * cross-entropy loss to get the gradient of every weight and bias.
 *
 * A layer computes z = a·W + b for a batch of rows a, so W is fan_in × fan_out; hidden layers
 * apply an activation f (sigmoid by default) and the output layer a row-wise softmax.
 *
 * @module
 */

import {
  activate,
  type ActivationName,
  ACTIVATIONS,
  multiplyByDerivative,
  softmaxRows,
} from "./activations.ts";
import { addBiasRow, columnSums, matmul, matmulTransA, matmulTransB } from "./kernels.ts";
import { crossEntropy } from "./loss.ts";
import { type Matrix, matrix, shapeOf } from "./matrix.ts";
import { DEFAULT_SEED, Random } from "./random.ts";

/** How the weights are drawn; biases always start at 0. */
export type InitOption =
  | "uniform"
  | "normal"
  | "xavier"
  | "he"
  | { kind: "uniform"; low: number; high: number }
  | { kind: "normal"; std: number };

/** The names of the initialisations, for error messages. */
export const INITS = ["uniform", "normal", "xavier", "he"] as const;

/** The standard deviation of `"normal"`: the reference notebook's 0.01. */
export const DEFAULT_NORMAL_STD = 0.01;

/** What `createNetwork` takes; every field has a default. */
export interface NetworkOptions {
  /** Layer sizes from input to output; default the assignment's [784, 128, 64, 10]. */
  sizes?: number[];
  /** The hidden layers' activation; default "sigmoid". */
  hidden?: ActivationName;
  /** The weight initialisation; default "uniform" (Glorot's range). */
  init?: InitOption;
  /** The seed of the weights; default 695. */
  seed?: number;
}

/** A network: its shape, its activation and its parameters. */
export interface Network {
  sizes: number[];
  hidden: ActivationName;
  init: InitOption;
  seed: number;
  /** weights[l] is sizes[l] × sizes[l+1]. */
  weights: Matrix[];
  /** biases[l] has sizes[l+1] entries. */
  biases: Float32Array[];
}

/** The range or spread of a layer's initial weights, for tables and plots. */
export function initDescription(init: InitOption, fanIn: number, fanOut: number): {
  distribution: "uniform" | "normal";
  low?: number;
  high?: number;
  std?: number;
} {
  if (typeof init === "object") {
    return init.kind === "uniform"
      ? { distribution: "uniform", low: init.low, high: init.high }
      : { distribution: "normal", std: init.std };
  }
  switch (init) {
    case "uniform": {
      const limit = Math.sqrt(6 / (fanIn + fanOut)); // Glorot and Bengio (2010)
      return { distribution: "uniform", low: -limit, high: limit };
    }
    case "normal":
      return { distribution: "normal", std: DEFAULT_NORMAL_STD };
    case "xavier":
      return { distribution: "normal", std: Math.sqrt(2 / (fanIn + fanOut)) };
    case "he":
      return { distribution: "normal", std: Math.sqrt(2 / fanIn) };
  }
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
  const init = options.init ?? "uniform";
  const known = typeof init === "string"
    ? (INITS as readonly string[]).includes(init)
    : init?.kind === "uniform"
    ? Number.isFinite(init.low) && Number.isFinite(init.high) && init.low < init.high
    : init?.kind === "normal" && Number.isFinite(init.std) && init.std > 0;
  if (!known) {
    throw new RangeError(
      `Cannot create a network: unknown init ${JSON.stringify(init)}; expected one of ${
        INITS.join(", ")
      }, { kind: "uniform", low, high } with low < high, or { kind: "normal", std } with std > 0`,
    );
  }
  const seed = options.seed ?? DEFAULT_SEED;
  return { sizes: [...sizes], hidden, init, seed };
}

/**
 * Creates a network with seeded random weights and zero biases.
 *
 * @param options `sizes`, `hidden`, `init` and `seed` (see {@linkcode NetworkOptions})
 * @example
 * ```ts
 * const network = createNetwork(); // 784-128-64-10, sigmoid, Glorot-uniform, seed 695
 * network.weights[0].rows; // 784
 * ```
 */
export function createNetwork(options: NetworkOptions = {}): Network {
  const { sizes, hidden, init, seed } = validateOptions(options);
  const rng = new Random(seed);
  const weights: Matrix[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = matrix(sizes[l], sizes[l + 1]);
    const spec = initDescription(init, sizes[l], sizes[l + 1]);
    if (spec.distribution === "uniform") rng.fillUniform(w.data, spec.low!, spec.high!);
    else rng.fillNormal(w.data, 0, spec.std!);
    weights.push(w);
    biases.push(new Float32Array(sizes[l + 1]));
  }
  return { sizes, hidden, init, seed, weights, biases };
}

/** Number of weights and biases in all layers. */
export function parameterCount(network: Network): number {
  return network.weights.reduce((n, w, l) => n + w.data.length + network.biases[l].length, 0);
}

/**
 * The buffers of one batch's forward and backward pass, reused from step to step so that
 * training allocates nothing. Sized for up to `capacity` rows.
 */
export interface Workspace {
  capacity: number;
  /** activations[0] is the input; activations[l+1] is layer l's output (softmax at the end). */
  activations: Matrix[];
  /** deltas[l] is ∂L/∂z of layer l. */
  deltas: Matrix[];
  gradWeights: Matrix[];
  gradBiases: Float32Array[];
}

/** Allocates a workspace for batches of up to `capacity` rows. */
export function createWorkspace(network: Network, capacity: number): Workspace {
  const layers = network.weights.length;
  return {
    capacity,
    activations: network.sizes.map((size) => matrix(capacity, size)),
    deltas: Array.from({ length: layers }, (_, l) => matrix(capacity, network.sizes[l + 1])),
    gradWeights: network.weights.map((w) => matrix(w.rows, w.cols)),
    gradBiases: network.biases.map((b) => new Float32Array(b.length)),
  };
}

/** A view of the first `rows` rows of m (no copy). */
function firstRows(m: Matrix, rows: number): Matrix {
  return rows === m.rows ? m : { rows, cols: m.cols, data: m.data.subarray(0, rows * m.cols) };
}

function checkInput(network: Network, x: Matrix, what: string) {
  if (x.rows === 0) throw new RangeError(`Cannot ${what}: the batch is empty (0×${x.cols})`);
  if (x.cols !== network.sizes[0]) {
    throw new RangeError(
      `Cannot ${what}: the batch is ${shapeOf(x)} but the first layer takes ${
        network.sizes[0]
      } inputs (weights ${shapeOf(network.weights[0])})`,
    );
  }
}

/**
 * Runs a batch through every layer and returns each layer's activations: [x, a₁, …, softmax output].
 * The arrays live in `workspace` when one is given (and are overwritten by the next call).
 *
 * @param network the network
 * @param x the batch, rows × sizes[0]
 */
export function forwardLayers(network: Network, x: Matrix, workspace?: Workspace): Matrix[] {
  checkInput(network, x, "feed forward");
  const space = workspace && workspace.capacity >= x.rows
    ? workspace
    : createWorkspace(network, x.rows);
  const activations = space.activations.map((a, l) => (l === 0 ? x : firstRows(a, x.rows)));
  const last = network.weights.length - 1;
  for (let l = 0; l <= last; l++) {
    const z = activations[l + 1];
    matmul(activations[l], network.weights[l], z);
    addBiasRow(z, network.biases[l], z);
    if (l < last) activate(network.hidden, z.data, z.data);
    else softmaxRows(z, z);
  }
  return activations;
}

/**
 * The network's output for a batch: the softmax probabilities, rows × classes.
 *
 * @example
 * ```ts
 * const probabilities = feedForward(createNetwork(), images); // each row sums to 1
 * ```
 */
export function feedForward(network: Network, x: Matrix, workspace?: Workspace): Matrix {
  const activations = forwardLayers(network, x, workspace);
  const output = activations[activations.length - 1];
  return workspace ? output : { ...output, data: output.data.slice() };
}

/** What `backprop` returns: the batch's mean loss and the gradient of every parameter. */
export interface Gradients {
  loss: number;
  gradWeights: Matrix[];
  gradBiases: Float32Array[];
}

/**
 * Backpropagation: the mean cross-entropy loss of a batch and its gradient with respect to every
 * weight matrix and bias vector, by the chain rule.
 *
 * With softmax and cross-entropy together, the output layer's δ = ∂L/∂z is simply (p − y)/m for
 * probabilities p and one-hot targets y. Going back one layer, δₗ = (δₗ₊₁ · Wₗ₊₁ᵀ) ⊙ f'(zₗ); each
 * layer's gradients are ∂L/∂Wₗ = aₗᵀ · δₗ and ∂L/∂bₗ = Σ_rows δₗ.
 *
 * @param network the network
 * @param x the batch, rows × sizes[0]
 * @param labels one class index per row
 * @param workspace optional reusable buffers (the gradients then live there)
 */
export function backprop(
  network: Network,
  x: Matrix,
  labels: ArrayLike<number>,
  workspace?: Workspace,
): Gradients {
  checkInput(network, x, "backpropagate");
  const classes = network.sizes[network.sizes.length - 1];
  if (labels.length !== x.rows) {
    throw new RangeError(
      `Cannot backpropagate: the batch has ${x.rows} rows but ${labels.length} labels`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classes) {
      throw new RangeError(
        `Cannot backpropagate: label ${i} is ${labels[i]}, expected an integer from 0 to ${
          classes - 1
        }`,
      );
    }
  }
  const space = workspace && workspace.capacity >= x.rows
    ? workspace
    : createWorkspace(network, x.rows);
  const activations = forwardLayers(network, x, space);
  const last = network.weights.length - 1;
  const output = activations[last + 1];
  const loss = crossEntropy(output, labels);

  // Output layer: δ = (p − y) / m.
  const delta = firstRows(space.deltas[last], x.rows);
  const scale = 1 / x.rows;
  for (let i = 0; i < delta.data.length; i++) delta.data[i] = output.data[i] * scale;
  for (let i = 0; i < x.rows; i++) delta.data[i * classes + labels[i]] -= scale;

  for (let l = last; l >= 0; l--) {
    const d = firstRows(space.deltas[l], x.rows);
    matmulTransA(activations[l], d, space.gradWeights[l]);
    columnSums(d, space.gradBiases[l]);
    if (l > 0) {
      const previous = firstRows(space.deltas[l - 1], x.rows);
      matmulTransB(d, network.weights[l], previous);
      multiplyByDerivative(network.hidden, activations[l].data, previous.data);
    }
  }
  return { loss, gradWeights: space.gradWeights, gradBiases: space.gradBiases };
}

/**
 * One step of gradient descent: W ← W − η ∂L/∂W and b ← b − η ∂L/∂b, in place.
 *
 * @param network updated in place
 * @param gradients from {@linkcode backprop}
 * @param learningRate η
 */
export function gradientDescentStep(
  network: Network,
  gradients: Gradients,
  learningRate: number,
): Network {
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

/** A deep copy of a network (its parameters are not shared). */
export function cloneNetwork(network: Network): Network {
  return {
    ...network,
    sizes: [...network.sizes],
    weights: network.weights.map((w) => ({ ...w, data: w.data.slice() })),
    biases: network.biases.map((b) => b.slice()),
  };
}
