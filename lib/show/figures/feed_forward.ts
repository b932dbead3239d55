/**
 * The figures and tables of notebook 04, feed-forward: each layer's outputs, their histograms, and
 * the probabilities beside the digits.
 *
 * @module
 */

import { describe, type Examples, imageOf } from "../../data/preprocess.ts";
import { argmaxRow } from "../../eval/metrics.ts";
import { type Matrix, row, shapeOf } from "../../nn/matrix.ts";
import type { Network } from "../../nn/network.ts";
import { histogramBins, histogramChart } from "../charts/histograms.ts";
import { digitFigure } from "../charts/digits.ts";
import { combine, type Figure } from "../figure.ts";
import { probabilityBars } from "../charts/network.ts";
import { type Table, table } from "../table.ts";

/**
 * What each layer of a forward pass holds: its name, its shape, the weights that made it, and the
 * mean and spread of its values.
 *
 * @param network the network that was run
 * @param layers every layer's activations, as from `forwardLayers` (input first, softmax last)
 * @returns a table of one row per layer
 * @example
 * ```ts
 * import { layerOutputsTable } from "./feed_forward.ts";
 * import { createNetwork } from "../../nn/mlp.ts";
 * import { forwardLayers } from "../../nn/backprop.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * const network = createNetwork({ sizes: [784, 16, 10] });
 * layerOutputsTable(network, forwardLayers(network, matrix(2, 784))).height; // 3
 * ```
 */
export function layerOutputsTable(network: Network, layers: Matrix[]): Table {
  return table(layers.map((a, l) => {
    const { mean, std } = describe(a.data);
    const w = network.weights[l - 1];
    return {
      layer: l === 0
        ? "input X"
        : l === layers.length - 1
        ? "output ŷ (softmax)"
        : `hidden ${l} (${network.hidden})`,
      shape: shapeOf(a),
      "weights in": w ? shapeOf(w) : "",
      mean,
      std,
    };
  }));
}

/**
 * Histograms of every layer's outputs after the input (hidden activations, then the output
 * probabilities), one panel per layer, over [0, 1].
 *
 * @param layers every layer's activations, as from `forwardLayers` (input first, softmax last)
 * @param options the figure's `title` (default "Activations of each layer for one batch")
 * @returns the figure
 * @example
 * ```ts
 * import { activationHistograms } from "./feed_forward.ts";
 * import { createNetwork } from "../../nn/mlp.ts";
 * import { forwardLayers } from "../../nn/backprop.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * activationHistograms(forwardLayers(createNetwork(), matrix(2, 784))).title; // "Activations of each layer for one batch"
 * ```
 */
export function activationHistograms(layers: Matrix[], options: { title?: string } = {}): Figure {
  const outputs = layers.slice(1);
  const bins = outputs.flatMap((a, l) =>
    histogramBins(a.data, 50, [0, 1]).map((b) => ({
      ...b,
      series: l === outputs.length - 1 ? "output probabilities" : `hidden layer ${l + 1}`,
    }))
  );
  return histogramChart(bins, {
    title: options.title ?? "Activations of each layer for one batch",
    xLabel: "activation",
    logScale: false,
    normalize: true,
  });
}

/**
 * The first digits of a batch, each beside the probabilities a network gives it, the predicted
 * class in red; two digits to a row.
 *
 * @param batch the images and labels that were fed forward
 * @param probabilities the network's output for the batch, rows × classes
 * @param options `classNames`, how many digits to show (`count`, default 4), the figure's `title`
 * @returns the figure
 * @example
 * ```ts
 * import { digitProbabilities } from "./feed_forward.ts";
 * import { createNetwork } from "../../nn/mlp.ts";
 * import { feedForward } from "../../nn/backprop.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * const batch = { images: matrix(2, 784), labels: new Uint8Array([7, 2]) };
 * const classNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
 * digitProbabilities(batch, feedForward(createNetwork(), batch.images), { classNames, count: 2 });
 * ```
 */
export function digitProbabilities(
  batch: Examples,
  probabilities: Matrix,
  options: { classNames: readonly string[]; count?: number; title?: string },
): Figure {
  const count = Math.min(options.count ?? 4, batch.labels.length);
  const figures = Array.from({ length: count }, (_, i) => {
    const values = row(probabilities, i);
    const predicted = argmaxRow(probabilities, i);
    const top = Math.max(0.5, Math.ceil(10 * Math.max(...values)) / 10);
    return combine([
      digitFigure(imageOf(batch, i), {
        title: `Image ${i}: label ${options.classNames[batch.labels[i]]}`,
        size: 140,
      }),
      probabilityBars(values, {
        classNames: options.classNames,
        title: `predicted ${options.classNames[predicted]}`,
        highlight: predicted,
        domain: [0, top],
        height: 200,
      }),
    ]);
  });
  return combine(figures, {
    title: options.title ?? "Softmax probabilities for the first digits",
    columns: 2,
    gap: 24,
  });
}
