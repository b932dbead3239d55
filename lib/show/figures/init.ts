/**
 * The figures and tables of notebook 03, init: the parameters of each layer, softmax, the initial weights, a comparison of seeds, and the
 * saturation of the first layer.
 *
 * @module
 */

import { describe } from "../../data/preprocess.ts";
import { sigmoidDerivative } from "../../nn/activations.ts";
import { initDistribution } from "../../nn/init.ts";
import type { Matrix } from "../../nn/matrix.ts";
import type { Network } from "../../nn/network.ts";
import { preActivations, saturatedShare } from "../../nn/saturation.ts";
import { type Bin, histogramBins, histogramChart } from "../charts/histograms.ts";
import { combine, type Figure } from "../figure.ts";
import { probabilityBars } from "../charts/network.ts";
import { type Table, table } from "../table.ts";

/**
 * A row of scores (logits) beside its softmax: bars of each, the most probable class highlighted.
 *
 * @param logits one score per class
 * @param probabilities their softmax
 * @param options `classNames` (default "0", "1", …), the figure's `title`
 * @returns the two charts side by side
 * @example
 * ```ts
 * import { softmaxFigure } from "./init.ts";
 * softmaxFigure([2, 0, -1], [0.84, 0.11, 0.04]).title; // "Softmax turns scores into probabilities"
 * ```
 */
export function softmaxFigure(
  logits: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: { classNames?: readonly string[]; title?: string } = {},
): Figure {
  const classNames = options.classNames ??
    Array.from({ length: logits.length }, (_, c) => String(c));
  const scores = Array.from(logits);
  const domain: [number, number] = [
    Math.min(0, Math.floor(Math.min(...scores))),
    Math.max(0, Math.ceil(Math.max(...scores))),
  ];
  let best = 0;
  for (let c = 1; c < probabilities.length; c++) {
    if (probabilities[c] > probabilities[best]) best = c;
  }
  return combine([
    probabilityBars(logits, { classNames, title: "Logits z", yLabel: "score", domain }),
    probabilityBars(probabilities, { classNames, title: "softmax(z)", highlight: best }),
  ], { title: options.title ?? "Softmax turns scores into probabilities" });
}

/**
 * Histograms of each layer's weights, one panel per layer, each as shares of its own count: how the
 * initialisation spreads them (uniform fills its range, normal piles up around 0).
 *
 * @param network the network whose weights are drawn
 * @param options the figure's `title` (default "Initial weights of each layer"), `bins` (40)
 * @returns the figure
 * @example
 * ```ts
 * import { weightHistograms } from "./init.ts";
 * import { createNetwork } from "../../nn/mlp.ts";
 * weightHistograms(createNetwork({ sizes: [784, 16, 10] })).title; // "Initial weights of each layer"
 * ```
 */
export function weightHistograms(
  network: Network,
  options: { title?: string; bins?: number } = {},
): Figure {
  const bins = network.weights.flatMap((w, l) =>
    histogramBins(w.data, options.bins ?? 40).map((bin) => ({
      ...bin,
      series: `layer ${l + 1} (${w.rows}×${w.cols})`,
    }))
  );
  return histogramChart(bins, {
    title: options.title ?? "Initial weights of each layer",
    xLabel: "weight value",
    logScale: false,
    normalize: true,
  });
}

/**
 * The first few weights of the first layer, W¹[0][i], of several networks side by side, one column
 * per network headed by its seed ("seed 695", "seed 695 again", "seed 696"): the same seed gives
 * the same weights, another seed other ones.
 *
 * @param networks networks of the same sizes
 * @param rows how many weights to show (default 5)
 * @returns a table with one row per weight
 * @example
 * ```ts
 * import { seedComparisonTable } from "./init.ts";
 * import { createNetwork } from "../../nn/mlp.ts";
 * const sizes = [4, 3, 2];
 * seedComparisonTable([createNetwork({ sizes }), createNetwork({ sizes, seed: 1 })], 3).columns; // ["weight W¹[0][i]", "seed 695", "seed 1"]
 * ```
 */
export function seedComparisonTable(networks: Network[], rows = 5): Table {
  const headings = networks.map((network, n) =>
    networks.slice(0, n).some((earlier) => earlier.seed === network.seed)
      ? `seed ${network.seed} again`
      : `seed ${network.seed}`
  );
  const shown = Math.min(rows, ...networks.map((network) => network.weights[0].cols));
  return table(Array.from({ length: shown }, (_, i) => ({
    "weight W¹[0][i]": i,
    ...Object.fromEntries(networks.map((network, n) => [headings[n], network.weights[0].data[i]])),
  })));
}

/**
 * Histograms of a layer's pre-activations z = x·W for one batch, one panel per weight matrix (such
 * as one drawn from Glorot's range and one from a wide range), with the saturated regions |z| >
 * `limit` shaded: where σ'(z) is nearly 0 and a sigmoid unit barely learns.
 *
 * @param x the batch, rows × fanIn
 * @param weights one fanIn × fanOut matrix per range, by the name of its panel
 * @param options `title`, the saturation `limit` (default 5), the x axis runs over ±`range` (30)
 * @returns the figure
 * @example
 * ```ts
 * import { saturationHistogram } from "./init.ts";
 * import { uniformWeights } from "../../nn/saturation.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * const x = matrix(4, 784, new Float32Array(4 * 784).fill(0.5));
 * const weights = { narrow: uniformWeights(784, 8, 0.08), wide: uniformWeights(784, 8, 1) };
 * saturationHistogram(x, weights).title; // "First-layer pre-activations z for 4 images"
 * ```
 */
export function saturationHistogram(
  x: Matrix,
  weights: Record<string, Matrix>,
  options: { title?: string; limit?: number; range?: number } = {},
): Figure {
  const limit = options.limit ?? 5, range = options.range ?? 30;
  const bins: (Bin & { series: string })[] = Object.entries(weights).flatMap(([series, w]) =>
    histogramBins(preActivations(x, w), 2 * range, [-range, range]).map((b) => ({ ...b, series }))
  );
  const slope = sigmoidDerivative(limit).toPrecision(1);
  return histogramChart(bins, {
    title: options.title ?? `First-layer pre-activations z for ${x.rows} images`,
    xLabel: "z = x·W, first-layer pre-activation",
    logScale: false,
    normalize: true,
    shade: [
      { x1: -range, x2: -limit, label: `saturated: σ'(z) < ${slope}` },
      { x1: limit, x2: range, label: "saturated" },
    ],
  });
}

/**
 * The spread of a layer's pre-activations z = x·W for one batch and the share that is saturated
 * (|z| > `limit`), one row per weight matrix: the numbers behind {@linkcode saturationHistogram}.
 *
 * @param x the batch, rows × fanIn
 * @param weights one fanIn × fanOut matrix per range, by name
 * @param limit the saturation threshold (default 5)
 * @returns a table with columns range, std of z, saturated (|z| > limit)
 * @example
 * ```ts
 * import { saturationTable } from "./init.ts";
 * import { uniformWeights } from "../../nn/saturation.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * const x = matrix(4, 784, new Float32Array(4 * 784).fill(0.5));
 * saturationTable(x, { narrow: uniformWeights(784, 8, 0.08), wide: uniformWeights(784, 8, 1) }).height; // 2
 * ```
 */
export function saturationTable(
  x: Matrix,
  weights: Record<string, Matrix>,
  limit = 5,
): Table {
  return table(
    Object.entries(weights).map(([range, w]) => {
      const z = preActivations(x, w);
      return {
        range,
        "std of z": describe(z).std,
        [`saturated (|z| > ${limit})`]: saturatedShare(z, limit),
      };
    }),
  );
}

/**
 * One row per layer: shape, parameter count, and how the weights were drawn.
 *
 * @returns the table
 */
export function parameterTable(network: Network): Table {
  return table(network.weights.map((w, l) => {
    const spec = initDistribution(network.init, w.rows, w.cols);
    const range = spec.distribution === "uniform"
      ? `U(${spec.low!.toPrecision(3)}, ${spec.high!.toPrecision(3)})`
      : `N(0, ${spec.std!.toPrecision(3)}²)`;
    return {
      layer: l + 1,
      weights: `${w.rows}×${w.cols}`,
      biases: network.biases[l].length,
      parameters: w.data.length + network.biases[l].length,
      activation: l === network.weights.length - 1 ? "softmax" : network.hidden,
      init: typeof network.init === "string" ? network.init : network.init.kind,
      distribution: range,
    };
  }));
}
