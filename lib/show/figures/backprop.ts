/**
 * The tables of notebook 05, backprop: the gradient check per layer, the size of each layer's
 * gradient, and the loss and accuracy before and after a step.
 *
 * @module
 */

import type { Examples } from "../../data/preprocess.ts";
import { accuracy } from "../../eval/metrics.ts";
import { feedForward } from "../../nn/backprop.ts";
import type { LayerCheck } from "../../nn/gradient_check.ts";
import { crossEntropy } from "../../nn/loss.ts";
import { norm, shapeOf } from "../../nn/matrix.ts";
import type { Gradients, MlpNetwork } from "../../nn/network.ts";
import { type Table, table } from "../table.ts";

/**
 * The gradient check's rows, one per layer and parameter kind.
 *
 * @returns the table
 */
export function gradientCheckTable(rows: LayerCheck[], tolerance = 1e-2): Table {
  return table(rows.map((r) => ({
    layer: r.layer + 1,
    parameters: r.parameters,
    checked: r.checked,
    "worst relative error": Number(r.worstRelativeError.toExponential(2)),
    "worst absolute error": Number(r.worstAbsoluteError.toExponential(2)),
    verdict: r.worstRelativeError < tolerance ? "✓ agrees" : "✗ differs",
  })));
}

/**
 * The size of each layer's gradient: its shape, the norms of ∂L/∂W and ∂L/∂b, and the largest
 * single |∂L/∂W|.
 *
 * @param gradients from `backprop`
 * @returns a table of one row per layer
 * @example
 * ```ts
 * import { gradientNormsTable } from "./backprop.ts";
 * import { createNetwork } from "../../nn/mlp.ts";
 * import { backprop } from "../../nn/backprop.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * const network = createNetwork({ sizes: [784, 16, 10] });
 * gradientNormsTable(backprop(network, matrix(2, 784), [3, 1])).height; // 2
 * ```
 */
export function gradientNormsTable(gradients: Gradients): Table {
  return table(gradients.gradWeights.map((g, l) => {
    let largest = 0;
    for (const v of g.data) largest = Math.max(largest, Math.abs(v));
    return {
      layer: l + 1,
      "∂L/∂W shape": shapeOf(g),
      "‖∂L/∂W‖": norm(g.data),
      "‖∂L/∂b‖": norm(gradients.gradBiases[l]),
      "largest |∂L/∂W|": largest,
    };
  }));
}

/**
 * The loss and accuracy of several networks on one batch, one row per network: such as before and
 * after a step of gradient descent.
 *
 * @param networks by the row's name
 * @param batch the images and labels to score them on
 * @returns a table with columns network, loss, batch accuracy
 * @example
 * ```ts
 * import { batchScoresTable } from "./backprop.ts";
 * import { createNetwork } from "../../nn/mlp.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * const batch = { images: matrix(2, 784), labels: new Uint8Array([7, 2]) };
 * batchScoresTable({ untrained: createNetwork() }, batch).columns; // ["network", "loss", "batch accuracy"]
 * ```
 */
export function batchScoresTable(
  networks: Record<string, MlpNetwork>,
  batch: Examples,
): Table {
  return table(
    Object.entries(networks).map(([name, network]) => {
      const probabilities = feedForward(network, batch.images);
      return {
        network: name,
        loss: crossEntropy(probabilities, batch.labels),
        "batch accuracy": accuracy(probabilities, batch.labels),
      };
    }),
  );
}
