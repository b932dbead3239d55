/**
 * The reference engine: the readable TypeScript of `lib/nn/`, one step at a time. The model runs
 * the batch forward and backward, then the optimizer updates its parameters, exactly as
 * notebooks 03–06 teach it.
 *
 * @module
 */

import { predictProbabilities } from "../nn/backprop.ts";
import { type Matrix, matrix, takeRows } from "../nn/matrix.ts";
import { cloneNetwork } from "../nn/mlp.ts";
import { mlpModel } from "../nn/model.ts";
import { predictSequential, sequentialModel } from "../nn/sequential.ts";
import { createOptimizer } from "../nn/optimizers.ts";
import { applyMaxNorm } from "../nn/max_norm.ts";
import type { Engine } from "./engine.ts";
import { isSequential, type Network } from "../nn/network.ts";

/** The reference engine. */
export const referenceEngine: Engine = {
  name: "reference",
  describe: () => "reference TypeScript (lib/nn/) on 1 thread",
  unsupported: () => undefined,
  train(request) {
    const { network, images, batchSize, optimizer: settings, dropout, seed } = request;
    const { labelSmoothing, maxNorm = 0 } = request;
    const working = cloneNetwork(network);
    // A sequential network's dropout is among its layers.
    const model = isSequential(working)
      ? sequentialModel(working, { seed, labelSmoothing })
      : mlpModel(working, batchSize, { dropout, seed, labelSmoothing });
    const optimizer = createOptimizer(settings);
    const batch = matrix(batchSize, images.cols);
    return Promise.resolve({
      step(indices, labels, learningRate, given) {
        const rows = indices.length;
        // A batch of every row in order is full-batch descent's: use the images as they are.
        const everyRow = rows === images.rows && indices[rows - 1] === rows - 1;
        const x = given ?? (everyRow ? images : takeRows(
          images,
          indices,
          matrix(rows, images.cols, batch.data.subarray(0, rows * images.cols)),
        ));
        const output = model.forward(x);
        model.backward(labels);
        optimizer.step(model.parameters(), learningRate);
        applyMaxNorm(working, maxNorm);
        return output;
      },
      store(target) {
        working.weights.forEach((w, l) => target.weights[l].data.set(w.data));
        working.biases.forEach((b, l) => target.biases[l].set(b));
      },
      predict: (images) => probabilities(working, images),
      close() {},
    });
  },
  classify: (network, images) => Promise.resolve(probabilities(network, images)),
};

function probabilities(network: Network, images: Matrix) {
  return isSequential(network)
    ? predictSequential(network, images)
    : predictProbabilities(network, images);
}
