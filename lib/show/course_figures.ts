/**
 * The figures and tables of the early notebooks (01 to 05), each one call that a cell ends on: a
 * labelled digit and the class counts per split (01), pixel statistics and the split of the data
 * (02), softmax, the initial weights, a comparison of seeds and the saturation of the first layer
 * (03), each layer's outputs and the probabilities beside the digits (04), the gradients' sizes and
 * the loss before and after a step (05).
 *
 * @module
 */

import type pl from "nodejs-polars";
import type { ImageSet } from "../data/datasets.ts";
import { describe, type Examples, imageOf } from "../data/preprocess.ts";
import { accuracy, argmaxRow } from "../eval/metrics.ts";
import { sigmoidDerivative } from "../nn/activations.ts";
import { feedForward } from "../nn/backprop.ts";
import { crossEntropy } from "../nn/loss.ts";
import { type Matrix, norm, row, shapeOf } from "../nn/matrix.ts";
import type { Gradients, Network } from "../nn/mlp.ts";
import { preActivations, saturatedShare } from "../nn/saturation.ts";
import { type Bin, classCountsChart, histogramBins, histogramChart } from "./chart_plots.ts";
import { digitFigure } from "./digit_plots.ts";
import { combine, type Figure } from "./figure.ts";
import { probabilityBars } from "./network_plots.ts";
import { table } from "./tables.ts";

/** The colours of successive series, as elsewhere in the figures. */
const COLORS = ["#4269d0", "#efb118", "#3ca951", "#ff725c", "#6cc5b0"];

/**
 * One image of a data set as loaded (bytes), drawn with pixel axes and titled with its index and
 * label, like the assignment's `plt.imshow`.
 *
 * @param set the images as `loadDataset` returns them (e.g. `data.train`)
 * @param index which image
 * @param options `classNames` of the data set, `what` the image is (default "Training image"),
 *   drawn `size` in CSS pixels (default 280)
 * @returns the figure, titled "Training image 7: label 3"
 * @example
 * ```ts
 * import { labelledDigitFigure } from "./course_figures.ts";
 * const set = { pixels: new Uint8Array(2 * 784), labels: new Uint8Array([4, 2]), count: 2, height: 28, width: 28 };
 * labelledDigitFigure(set, 1, { classNames: ["0", "1", "2", "3", "4"] }).title; // "Training image 1: label 2"
 * ```
 */
export function labelledDigitFigure(
  set: ImageSet,
  index: number,
  options: { classNames: readonly string[]; what?: string; size?: number },
): Figure {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new RangeError(
      `Cannot draw image ${index}: expected an index from 0 to ${set.count - 1}`,
    );
  }
  const size = set.height * set.width;
  return digitFigure(set.pixels.subarray(index * size, (index + 1) * size), {
    title: `${options.what ?? "Training image"} ${index}: label ${
      options.classNames[set.labels[index]]
    }`,
    size: options.size,
  });
}

/**
 * Bars of the examples per class, one chart per split side by side, each in its own colour.
 *
 * @param counts one array of counts per class for each split, by the split's title
 * @param classNames the data set's class names
 * @param options the figure's `title` (default "Images per class") and `yLabel` (default "images")
 * @returns the combined figure
 * @example
 * ```ts
 * import { classCountsBySplit } from "./course_figures.ts";
 * classCountsBySplit({ "Training set": [6, 4], "Test set": [3, 2] }, ["cat", "dog"]).title; // "Images per class"
 * ```
 */
export function classCountsBySplit(
  counts: Record<string, number[]>,
  classNames: readonly string[],
  options: { title?: string; yLabel?: string } = {},
): Figure {
  return combine(
    Object.entries(counts).map(([title, split], i) =>
      classCountsChart(split, {
        classNames,
        title,
        yLabel: options.yLabel ?? "images",
        color: COLORS[i % COLORS.length],
      })
    ),
    { title: options.title ?? "Images per class" },
  );
}

/** What `describe` returns: the summary statistics of some values. */
export type Statistics = ReturnType<typeof describe>;

/**
 * Summary statistics side by side, one row per set of values (such as pixels before and after
 * normalising).
 *
 * @param rows statistics from `describe`, by the row's name
 * @param key the heading of the names' column (default "values")
 * @returns a table with columns key, min, max, mean and std
 * @example
 * ```ts
 * import { statisticsTable } from "./course_figures.ts";
 * import { describe } from "../data/preprocess.ts";
 * statisticsTable({ bytes: describe([0, 255]), scaled: describe([0, 1]) }, "pixels").shape; // { height: 2, width: 5 }
 * ```
 */
export function statisticsTable(rows: Record<string, Statistics>, key = "values"): pl.DataFrame {
  return table(
    Object.entries(rows).map(([name, s]) => ({
      [key]: name,
      min: s.min,
      max: s.max,
      mean: s.mean,
      std: s.std,
    })),
  );
}

/**
 * The three sets of a run: how many examples each holds, and how many mini-batches one epoch of
 * training walks through (the held-out sets are not trained on).
 *
 * @param sets the training rows that are fitted, the validation rows and the test rows
 * @param batches the mini-batches of the fitted rows, as from `miniBatches`
 * @returns a table of three rows: set, examples, batches
 * @example
 * ```ts
 * import { splitTable } from "./course_figures.ts";
 * import { matrix } from "../nn/matrix.ts";
 * const set = (n: number) => ({ images: matrix(n, 784), labels: new Uint8Array(n) });
 * splitTable({ fit: set(5), validation: set(1), test: set(2) }, [[0, 1], [2, 3], [4]]).shape; // { height: 3, width: 3 }
 * ```
 */
export function splitTable(
  sets: { fit: Examples; validation: Examples; test: Examples },
  batches: readonly ArrayLike<number>[],
): pl.DataFrame {
  return table([
    { set: "training (fit)", examples: sets.fit.labels.length, batches: batches.length },
    { set: "validation", examples: sets.validation.labels.length, batches: 0 },
    { set: "test", examples: sets.test.labels.length, batches: 0 },
  ]);
}

/**
 * A row of scores (logits) beside its softmax: bars of each, the most probable class highlighted.
 *
 * @param logits one score per class
 * @param probabilities their softmax
 * @param options `classNames` (default "0", "1", …), the figure's `title`
 * @returns the two charts side by side
 * @example
 * ```ts
 * import { softmaxFigure } from "./course_figures.ts";
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
 * import { weightHistograms } from "./course_figures.ts";
 * import { createNetwork } from "../nn/mlp.ts";
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
 * import { seedComparisonTable } from "./course_figures.ts";
 * import { createNetwork } from "../nn/mlp.ts";
 * const sizes = [4, 3, 2];
 * seedComparisonTable([createNetwork({ sizes }), createNetwork({ sizes, seed: 1 })], 3).columns; // ["weight W¹[0][i]", "seed 695", "seed 1"]
 * ```
 */
export function seedComparisonTable(networks: Network[], rows = 5): pl.DataFrame {
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
 * import { saturationHistogram } from "./course_figures.ts";
 * import { uniformWeights } from "../nn/saturation.ts";
 * import { matrix } from "../nn/matrix.ts";
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
 * import { saturationTable } from "./course_figures.ts";
 * import { uniformWeights } from "../nn/saturation.ts";
 * import { matrix } from "../nn/matrix.ts";
 * const x = matrix(4, 784, new Float32Array(4 * 784).fill(0.5));
 * saturationTable(x, { narrow: uniformWeights(784, 8, 0.08), wide: uniformWeights(784, 8, 1) }).height; // 2
 * ```
 */
export function saturationTable(
  x: Matrix,
  weights: Record<string, Matrix>,
  limit = 5,
): pl.DataFrame {
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
 * What each layer of a forward pass holds: its name, its shape, the weights that made it, and the
 * mean and spread of its values.
 *
 * @param network the network that was run
 * @param layers every layer's activations, as from `forwardLayers` (input first, softmax last)
 * @returns a table of one row per layer
 * @example
 * ```ts
 * import { layerOutputsTable } from "./course_figures.ts";
 * import { createNetwork } from "../nn/mlp.ts";
 * import { forwardLayers } from "../nn/backprop.ts";
 * import { matrix } from "../nn/matrix.ts";
 * const network = createNetwork({ sizes: [784, 16, 10] });
 * layerOutputsTable(network, forwardLayers(network, matrix(2, 784))).height; // 3
 * ```
 */
export function layerOutputsTable(network: Network, layers: Matrix[]): pl.DataFrame {
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
 * import { activationHistograms } from "./course_figures.ts";
 * import { createNetwork } from "../nn/mlp.ts";
 * import { forwardLayers } from "../nn/backprop.ts";
 * import { matrix } from "../nn/matrix.ts";
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
 * import { digitProbabilities } from "./course_figures.ts";
 * import { createNetwork } from "../nn/mlp.ts";
 * import { feedForward } from "../nn/backprop.ts";
 * import { matrix } from "../nn/matrix.ts";
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

/**
 * The size of each layer's gradient: its shape, the norms of ∂L/∂W and ∂L/∂b, and the largest
 * single |∂L/∂W|.
 *
 * @param gradients from `backprop`
 * @returns a table of one row per layer
 * @example
 * ```ts
 * import { gradientNormsTable } from "./course_figures.ts";
 * import { createNetwork } from "../nn/mlp.ts";
 * import { backprop } from "../nn/backprop.ts";
 * import { matrix } from "../nn/matrix.ts";
 * const network = createNetwork({ sizes: [784, 16, 10] });
 * gradientNormsTable(backprop(network, matrix(2, 784), [3, 1])).height; // 2
 * ```
 */
export function gradientNormsTable(gradients: Gradients): pl.DataFrame {
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
 * import { batchScoresTable } from "./course_figures.ts";
 * import { createNetwork } from "../nn/mlp.ts";
 * import { matrix } from "../nn/matrix.ts";
 * const batch = { images: matrix(2, 784), labels: new Uint8Array([7, 2]) };
 * batchScoresTable({ untrained: createNetwork() }, batch).columns; // ["network", "loss", "batch accuracy"]
 * ```
 */
export function batchScoresTable(
  networks: Record<string, Network>,
  batch: Examples,
): pl.DataFrame {
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
