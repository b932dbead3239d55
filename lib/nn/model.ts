/**
 * What the training loop and the optimizers see of a network: a model runs a batch forward to
 * probabilities, backward to gradients, and lists its parameters beside their gradients. The
 * assignment's multi-layer perceptron is one model ({@linkcode mlpModel}); any other network that
 * can do these three things trains the same way.
 *
 * @module
 */

import type { Dropout } from "./dropout.ts";
import type { Matrix } from "./matrix.ts";
import { backwardLayers, createWorkspace, forwardLayers, type Workspace } from "./backprop.ts";
import type { MlpNetwork, Parameter } from "./network.ts";

/** A trainable network, as the loop and the optimizers see it. */
export interface Model {
  /** The probabilities of a batch, rows × classes; remembered for `backward`. */
  forward(x: Matrix): Matrix;
  /** The mean cross-entropy of the last forward batch against `labels`; fills the gradients. */
  backward(labels: ArrayLike<number>): number;
  /** Every parameter with its gradient, always the same arrays in the same order. */
  parameters(): Parameter[];
}

/**
 * The multi-layer perceptron of `lib/nn/mlp.ts` as a {@linkcode Model}: its parameters are the
 * network's own arrays, so a step taken on them changes `network`.
 *
 * @param network the network to train (its arrays are shared, not copied)
 * @param capacity the most rows in a batch; larger batches get buffers of their own
 * @param options `dropout`: rates of the inputs and each hidden layer while training; `seed` of
 *   the masks; `labelSmoothing`: ε of the targets (0, the default, for none)
 * @returns the model
 * @example
 * ```ts
 * import { createNetwork } from "./mlp.ts";
 * import { mlpModel } from "./model.ts";
 * const model = mlpModel(createNetwork({ sizes: [4, 3, 2] }), 8);
 * model.parameters().map((p) => p.name); // ["W1", "b1", "W2", "b2"]
 * ```
 */
export function mlpModel(
  network: MlpNetwork,
  capacity: number,
  options: { dropout?: number[]; seed?: number; labelSmoothing?: number } = {},
): Model {
  let workspace: Workspace = createWorkspace(network, capacity);
  let activations: Matrix[] | undefined;
  // Each forward pass is one training step, with masks of its own.
  const rates = options.dropout ?? [];
  const dropout: Dropout | undefined = rates.some((r) => r > 0)
    ? { rates, seed: options.seed ?? 695, step: 0 }
    : undefined;
  const parameters: Parameter[] = network.weights.flatMap((w, l) => [
    { name: `W${l + 1}`, value: w.data, gradient: workspace.gradWeights[l].data, decay: true },
    {
      name: `b${l + 1}`,
      value: network.biases[l],
      gradient: workspace.gradBiases[l],
      decay: false,
    },
  ]);
  return {
    forward(x) {
      if (x.rows > workspace.capacity) {
        const bigger = createWorkspace(network, x.rows);
        // Keep the gradient arrays the parameters point at.
        bigger.gradWeights = workspace.gradWeights;
        bigger.gradBiases = workspace.gradBiases;
        workspace = bigger;
      }
      if (dropout) dropout.step++;
      activations = forwardLayers(network, x, workspace, dropout);
      return activations[activations.length - 1];
    },
    backward(labels) {
      if (!activations) throw new Error("Cannot run backward: no batch has gone forward yet");
      return backwardLayers(
        network,
        activations,
        labels,
        workspace,
        dropout,
        options.labelSmoothing ?? 0,
      ).loss;
    },
    parameters: () => parameters,
  };
}
