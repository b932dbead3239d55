/**
 * The figures of notebook 10, the convolutional network: a filter sliding over a digit step by
 * step, a network's layers with their shapes and parameters, the feature maps of one digit at every
 * layer, and the gradient checks of every kind of layer.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { EveryLayerCheck } from "../../nn/layers/check_every_layer.ts";
import { Conv2d } from "../../nn/layers/conv2d.ts";
import { describeShape, sizeOf } from "../../nn/layers/layer.ts";
import { formatLayers, hasParameters } from "../../nn/layers/spec.ts";
import { matrix } from "../../nn/matrix.ts";
import type { SequentialNetwork } from "../../nn/network.ts";
import { layersOf, shapesOf } from "../../nn/sequential.ts";
import { type GridItem, imageGrid, imageSource } from "../charts/digits.ts";
import { combine, type Figure, plot } from "../figure.ts";
import { type Table, table } from "../table.ts";

/** An image of side `n` drawn `block` times larger, each pixel a block (viewers smooth small images). */
function enlarge(pixels: Float32Array, n: number, block: number): Float32Array {
  const side = n * block;
  return Float32Array.from(
    { length: side * side },
    (_, i) => pixels[Math.floor(i / side / block) * n + Math.floor((i % side) / block)],
  );
}

/**
 * A k × k filter sliding over a 28 × 28 digit ("same" padding), at a few of its positions: for
 * each, the digit with the window drawn on it, and the output map filled up to that position.
 *
 * @param image 784 pixels
 * @param filter k·k weights, row by row
 * @param options `title`, `steps`: output positions as [row, column] (default four across the digit)
 * @returns the figure
 */
export function convolutionSteps(
  image: Float32Array,
  filter: Float32Array,
  options: { title: string; steps?: [number, number][] },
): Figure {
  const k = Math.round(Math.sqrt(filter.length)), p = Math.floor(k / 2), n = 28;
  const conv = new Conv2d(
    { channels: 1, height: n, width: n },
    1,
    k,
    p,
    filter,
    new Float32Array(1),
    "",
  );
  const output = conv.forward(matrix(1, n * n, image)).data;
  const limit = Math.max(...output.map(Math.abs)) || 1;
  const steps = options.steps ?? [[6, 8], [10, 14], [14, 10], [20, 16]];
  const size = 150;
  const panel = (title: string, pixels: Float32Array, signed: boolean, box?: [number, number]) =>
    plot({
      title,
      width: size + 30,
      height: size + 30,
      margin: 15,
      x: { domain: [0, n], axis: null },
      y: { domain: [n, 0], axis: null },
      marks: [
        Plot.image([0], {
          x: n / 2,
          y: n / 2,
          width: size,
          height: size,
          // Enlarged by whole pixels here: image viewers would blur a 28-pixel image.
          src: () =>
            imageSource(enlarge(pixels, n, 6), { signed, limit: signed ? limit : undefined }),
          imageRendering: "pixelated",
        }),
        Plot.frame({ stroke: "#999" }),
        ...(box
          ? [Plot.rect([box], {
            x1: (b: number[]) => b[1] - p,
            x2: (b: number[]) => b[1] - p + k,
            y1: (b: number[]) => b[0] - p,
            y2: (b: number[]) => b[0] - p + k,
            stroke: "#e8590c",
            strokeWidth: 2.5,
          })]
          : []),
      ],
    });
  const panels = steps.flatMap(([row, column]) => {
    const upTo = row * n + column;
    const sofar = output.map((v, i) => (i <= upTo ? v : 0));
    return [
      panel(`window at (${row}, ${column})`, image, false, [row, column]),
      panel(`y(${row}, ${column}) = ${output[upTo].toFixed(2)}`, sofar, true, [row, column]),
    ];
  });
  return combine(panels, { title: options.title, columns: 4 });
}

/**
 * One row per layer of a sequential network: what it is, the shape it outputs, its parameters,
 * and the multiply-adds it does per image; then the totals.
 *
 * @returns the table
 */
export function architectureTable(network: SequentialNetwork): Table {
  const layers = network.layers, shapes = shapesOf(network.input, layers);
  let parameter = 0, totalParameters = 0, totalWork = 0;
  const rows = layers.map((layer, i) => {
    const before = i === 0 ? network.input : shapes[i - 1];
    let parameters = 0, work = 0;
    if (hasParameters(layer)) {
      // Batch normalisation's 3C "biases" hold β and its two running averages: C of them learn.
      const learned = layer.type === "batchnorm"
        ? network.biases[parameter].length / 3
        : network.biases[parameter].length;
      parameters = network.weights[parameter].data.length + learned;
      work = layer.type === "batchnorm"
        ? sizeOf(shapes[i]) // one multiply-add per value: y = γ′x + β′ at test time
        : network.weights[parameter].data.length *
          (layer.type === "conv" ? shapes[i].height * shapes[i].width : 1);
      parameter++;
    }
    totalParameters += parameters;
    totalWork += work;
    return {
      layer: formatLayers([layer]),
      input: describeShape(before),
      output: describeShape(shapes[i]),
      parameters,
      "multiply-adds per image": work,
    };
  });
  return table([...rows, {
    layer: "total",
    input: describeShape(network.input),
    output: describeShape(shapes.at(-1)!),
    parameters: totalParameters,
    "multiply-adds per image": totalWork,
  }]);
}

/**
 * The feature maps of one image at every layer that keeps an image's shape (convolutions,
 * activations, pooling): one row per layer, its first `channels` channels, each scaled to its own
 * largest value.
 *
 * @param options `title`, `channels` per layer (default 8)
 * @returns the figure
 */
export function featureMaps(
  network: SequentialNetwork,
  image: Float32Array,
  options: { title: string; channels?: number },
): Figure {
  const layers = layersOf(network), specs = network.layers;
  const shown = options.channels ?? 8;
  const items: GridItem[] = [];
  let a = matrix(1, image.length, image);
  layers.forEach((layer, i) => {
    a = layer.forward(a);
    const { channels, height, width } = layer.outShape;
    if (height * width === 1 || specs[i].type === "flatten") return;
    const plane = height * width, block = Math.max(1, Math.ceil(72 / height));
    for (let c = 0; c < Math.min(shown, channels); c++) {
      items.push({
        pixels: enlarge(a.data.slice(c * plane, (c + 1) * plane), height, block),
        caption: `${i + 1}. ${formatLayers([specs[i]])} #${c}`,
        signed: specs[i].type === "conv",
      });
    }
  });
  return imageGrid(items, {
    title: options.title,
    subtitle:
      "each row one layer's first channels; convolutions in blue (negative) and red (positive), activations and pooling in grey",
    columns: shown,
    size: 72,
  });
}

/**
 * The rows of {@linkcode checkEveryLayer} as a table, with a verdict against `tolerance`.
 *
 * @returns the table
 */
export function everyLayerCheckTable(rows: EveryLayerCheck[], tolerance = 1e-2): Table {
  return table(rows.map((r) => ({
    layer: r.layer,
    gradient: r.what === "input" ? "dL/dx" : `dL/d${r.what.replace(/\d+$/, "")}`,
    checked: r.checked,
    "worst relative error": Number(r.worstRelativeError.toExponential(2)),
    verdict: r.worstRelativeError < tolerance ? "✓ agrees" : "✗ differs",
  })));
}

/** A run's test accuracy after so many seconds of training, for {@linkcode timeToAccuracyChart}. */
export interface TimedAccuracy {
  /** The run, as the key names it. */
  name: string;
  seconds: number;
  /** From 0 to 1. */
  accuracy: number;
}

/**
 * How long training takes to be good: test accuracy against seconds of training (a log scale, so a
 * 3-second run and a 3-minute one share the axis), one line per run, with the target drawn across.
 * Each run names its points at its last one.
 *
 * @param points each run's points, in the order of its time
 * @param options `title`, `target` (default 0.99)
 * @returns the figure, 840 px wide
 * @example
 * ```ts
 * import { timeToAccuracyChart } from "./cnn.ts";
 * const points = [{ name: "speed run", seconds: 5, accuracy: 0.985 }, { name: "speed run", seconds: 10, accuracy: 0.99 }];
 * timeToAccuracyChart(points, { title: "Time to 99%" }).title; // "Time to 99%"
 * ```
 */
export function timeToAccuracyChart(
  points: TimedAccuracy[],
  options: { title: string; target?: number },
): Figure {
  const target = options.target ?? 0.99;
  const rows = points.map((p) => ({ ...p, percent: 100 * p.accuracy }));
  const names = [...new Set(points.map((p) => p.name))];
  const lowest = Math.min(100 * target, ...rows.map((r) => r.percent));
  const ends = names.map((name) => rows.filter((r) => r.name === name).at(-1)!);
  return plot({
    title: options.title,
    width: 840,
    height: 340,
    marginLeft: 56,
    marginRight: 150,
    x: {
      type: "log",
      label: "seconds of training (log scale)",
      labelAnchor: "center",
      grid: true,
      tickFormat: "~g",
    },
    y: {
      label: "test accuracy (%)",
      domain: [Math.max(0, Math.floor(2 * lowest - 0.5) / 2), 100],
      grid: true,
    },
    color: { domain: names, scheme: "tableau10" },
    marks: [
      Plot.ruleY([100 * target], { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.text([100 * target], {
        x: Math.min(...rows.map((r) => r.seconds)),
        y: (d: number) => d,
        text: () => `${(100 * target).toFixed(1)}%`,
        dy: 11,
        textAnchor: "start",
        fill: "#666",
      }),
      Plot.line(rows, { x: "seconds", y: "percent", stroke: "name", strokeWidth: 2 }),
      Plot.dot(rows, { x: "seconds", y: "percent", fill: "name", r: 3.5 }),
      Plot.text(ends, {
        x: "seconds",
        y: "percent",
        text: (d: TimedAccuracy & { percent: number }) => `${d.name}: ${d.percent.toFixed(2)}%`,
        fill: "name",
        stroke: "white",
        strokeWidth: 4,
        dx: 8,
        dy: -9,
        textAnchor: "start",
      }),
    ],
  });
}
