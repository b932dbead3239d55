/**
 * The two passes through the multi-layer perceptron, side by side: feed a batch forward through
 * every layer, then backpropagate the cross-entropy loss to get the gradient of every weight and
 * bias. The buffers of both live in a reusable workspace, so training allocates nothing.
 *
 * @module
 */

import { activate, multiplyByDerivative, softmaxRows } from "./activations.ts";
import { addBiasRow, columnSums, matmul, matmulTransA, matmulTransB } from "./kernels.ts";
import { smoothedCrossEntropy, softmaxCrossEntropyGradient } from "./loss.ts";
import { type Dropout, dropoutMask } from "./dropout.ts";
import { type Matrix, matrix, shapeOf } from "./matrix.ts";
import { type Gradients, isSequential, type MlpNetwork } from "./network.ts";

/**
 * The buffers of one batch's forward and backward pass, reused from step to step so that
 * training allocates nothing. Sized for up to `capacity` rows.
 */
export interface Workspace {
  capacity: number;
  /** activations[0] is the input; activations[l+1] is layer l's output (softmax at the end). */
  activations: Matrix[];
  /** preActivations[l+1] is layer l's z = a·W + b, which the backward pass needs. */
  preActivations: Matrix[];
  /** masks[l] scales activations[l] while training with dropout (empty when none). */
  masks: Float32Array[];
  /** deltas[l] is ∂L/∂z of layer l. */
  deltas: Matrix[];
  gradWeights: Matrix[];
  gradBiases: Float32Array[];
}

/**
 * Allocates a workspace for batches of up to `capacity` rows.
 *
 * @returns zeroed buffers for the activations, deltas and gradients
 */
export function createWorkspace(network: MlpNetwork, capacity: number): Workspace {
  if (isSequential(network)) {
    throw new TypeError(
      "Cannot run the MLP's passes on a sequential network (it lists layers): use sequentialModel or predictSequential",
    );
  }
  const layers = network.weights.length;
  return {
    capacity,
    activations: network.sizes.map((size) => matrix(capacity, size)),
    preActivations: network.sizes.map((size, l) => matrix(l === 0 ? 0 : capacity, size)),
    masks: network.sizes.map(() => new Float32Array(0)),
    deltas: Array.from({ length: layers }, (_, l) => matrix(capacity, network.sizes[l + 1])),
    gradWeights: network.weights.map((w) => matrix(w.rows, w.cols)),
    gradBiases: network.biases.map((b) => new Float32Array(b.length)),
  };
}

/** A view of the first `rows` rows of m (no copy). */
function firstRows(m: Matrix, rows: number): Matrix {
  return rows === m.rows ? m : { rows, cols: m.cols, data: m.data.subarray(0, rows * m.cols) };
}

function checkInput(network: MlpNetwork, x: Matrix, what: string) {
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
 * @param dropout while training with dropout: the rates and the seed of the masks
 * @returns the activations of every layer, input first
 */
export function forwardLayers(
  network: MlpNetwork,
  x: Matrix,
  workspace?: Workspace,
  dropout?: Dropout,
): Matrix[] {
  checkInput(network, x, "feed forward");
  const space = workspace && workspace.capacity >= x.rows
    ? workspace
    : createWorkspace(network, x.rows);
  const activations = space.activations.map((a, l) => (l === 0 ? x : firstRows(a, x.rows)));
  const rate = (l: number) => dropout?.rates[l] ?? 0;
  // Dropout multiplies a layer's activations by its mask (the input's on a copy of the batch).
  const drop = (l: number, a: Matrix) => {
    if (space.masks[l].length < a.data.length) space.masks[l] = new Float32Array(a.data.length);
    const mask = dropoutMask(space.masks[l].subarray(0, a.data.length), rate(l), dropout!, l);
    for (let i = 0; i < a.data.length; i++) a.data[i] *= mask[i];
  };
  if (rate(0) > 0) {
    activations[0] = firstRows(space.activations[0], x.rows);
    activations[0].data.set(x.data);
    drop(0, activations[0]);
  }
  const last = network.weights.length - 1;
  for (let l = 0; l <= last; l++) {
    const z = l < last ? firstRows(space.preActivations[l + 1], x.rows) : activations[l + 1];
    matmul(activations[l], network.weights[l], z);
    addBiasRow(z, network.biases[l], z);
    if (l === last) softmaxRows(z, z);
    else {
      activate(network.hidden, z.data, activations[l + 1].data);
      if (rate(l + 1) > 0) drop(l + 1, activations[l + 1]);
    }
  }
  return activations;
}

/**
 * The network's output for a batch: the softmax probabilities, rows × classes.
 *
 * @returns rows × classes probabilities (in the workspace when one is given)
 * @example
 * ```ts
 * import { createNetwork, feedForward, matrix } from "../mod.ts";
 * const probabilities = feedForward(createNetwork(), matrix(2, 784)); // 2×10, each row sums to 1
 * ```
 */
export function feedForward(network: MlpNetwork, x: Matrix, workspace?: Workspace): Matrix {
  const activations = forwardLayers(network, x, workspace);
  const output = activations[activations.length - 1];
  return workspace ? output : { ...output, data: output.data.slice() };
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
 *
 * @returns the batch's mean loss and the gradients of every weight matrix and bias vector
 */
export function backprop(
  network: MlpNetwork,
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
  return backwardLayers(network, forwardLayers(network, x, space), labels, space);
}

/**
 * The backward half of {@linkcode backprop}, from the activations a forward pass left in
 * `workspace` (checked labels, one per row).
 *
 * @param smoothing ε of label smoothing (`smoothedCrossEntropy` in loss.ts); 0 for none
 * @returns the batch's mean loss (against the smoothed targets) and the gradients, which live in
 *   `workspace`
 */
export function backwardLayers(
  network: MlpNetwork,
  activations: Matrix[],
  labels: ArrayLike<number>,
  workspace: Workspace,
  dropout?: Dropout,
  smoothing = 0,
): Gradients {
  const space = workspace, rows = activations[0].rows;
  const last = network.weights.length - 1;
  const output = activations[last + 1];
  const loss = smoothedCrossEntropy(output, labels, smoothing);

  // Output layer: δ = (p − y) / m, with y smoothed when asked.
  const delta = firstRows(space.deltas[last], rows);
  softmaxCrossEntropyGradient(output, labels, delta, smoothing);

  for (let l = last; l >= 0; l--) {
    const d = firstRows(space.deltas[l], rows);
    matmulTransA(activations[l], d, space.gradWeights[l]);
    columnSums(d, space.gradBiases[l]);
    if (l > 0) {
      const previous = firstRows(space.deltas[l - 1], rows);
      matmulTransB(d, network.weights[l], previous);
      const z = space.preActivations[l].data.subarray(0, previous.data.length);
      multiplyByDerivative(network.hidden, z, previous.data);
      // A dropped unit passed nothing forward, so it passes nothing back.
      if ((dropout?.rates[l] ?? 0) > 0) {
        const mask = space.masks[l];
        for (let i = 0; i < previous.data.length; i++) previous.data[i] *= mask[i];
      }
    }
  }
  return { loss, gradWeights: space.gradWeights, gradBiases: space.gradBiases };
}

/**
 * The softmax outputs for every row of `images`, fed forward `chunk` rows at a time so that the
 * buffers stay small.
 *
 * @returns rows × classes probabilities
 * @example
 * ```ts
 * import { createNetwork } from "./mlp.ts";
 * import { predictProbabilities } from "./backprop.ts";
 * import { matrix } from "./matrix.ts";
 * predictProbabilities(createNetwork(), matrix(3, 784)).rows; // 3
 * ```
 */
export function predictProbabilities(network: MlpNetwork, images: Matrix, chunk = 2000): Matrix {
  const classes = network.sizes.at(-1)!;
  const out = matrix(images.rows, classes);
  let workspace: Workspace | undefined;
  for (let start = 0; start < images.rows; start += chunk) {
    const size = Math.min(chunk, images.rows - start);
    workspace ??= createWorkspace(network, size);
    const part = matrix(
      size,
      images.cols,
      images.data.subarray(start * images.cols, (start + size) * images.cols),
    );
    out.data.set(feedForward(network, part, workspace).data, start * classes);
  }
  return out;
}
