/**
 * Figures of the network at work: curves of functions (the activations), probability bars beside
 * a digit, and a layer's weights or gradients as 28×28 images.
 *
 * @module
 */

import { isSequential, type Network } from "../../nn/network.ts";
import * as Plot from "@observablehq/plot";
import { type Figure, plot } from "../figure.ts";
import { type GridItem, imageGrid } from "./digits.ts";
import { classTickLayout } from "./histograms.ts";
import type { Matrix } from "../../nn/matrix.ts";

/** One curve of a function chart. */
export interface Curve {
  name: string;
  f: (x: number) => number;
}

/**
 * Curves of one or more functions of x, sampled evenly over [from, to].
 *
 * @param curves named functions
 * @param options `title`, axis labels `xLabel` and `yLabel`, `domain` [from, to], `samples` (400)
 * @returns the figure
 */
export function functionChart(
  curves: Curve[],
  options: {
    title: string;
    xLabel: string;
    yLabel: string;
    domain: [number, number];
    samples?: number;
  },
): Figure {
  const [from, to] = options.domain;
  const samples = options.samples ?? 400;
  const points = curves.flatMap(({ name, f }) =>
    Array.from({ length: samples + 1 }, (_, i) => {
      const x = from + ((to - from) * i) / samples;
      return { name, x, y: f(x) };
    })
  );
  return plot({
    title: options.title,
    width: 560,
    height: 300,
    x: { label: options.xLabel, labelAnchor: "center" },
    y: { label: options.yLabel, grid: true },
    color: { legend: curves.length > 1, type: "ordinal", scheme: "tableau10" },
    marks: [
      Plot.ruleY([0]),
      Plot.ruleX([0]),
      Plot.line(points, { x: "x", y: "y", stroke: "name", z: "name", strokeWidth: 2 }),
      Plot.text(curves.map(({ name, f }) => ({ name, x: to, y: f(to) })), {
        x: "x",
        y: "y",
        text: "name",
        fill: "name",
        textAnchor: "end",
        dy: -8,
      }),
    ],
  });
}

/**
 * Bars of one probability (or score) per class, the predicted class highlighted.
 *
 * @param values one value per class
 * @param options `classNames`, `title`, `yLabel` (default "probability"), `highlight` (class index),
 *   `domain` for the y axis (default [0, 1])
 * @returns the figure
 */
export function probabilityBars(
  values: ArrayLike<number>,
  options: {
    classNames: readonly string[];
    title: string;
    yLabel?: string;
    highlight?: number;
    domain?: [number, number];
    width?: number;
    height?: number;
  },
): Figure {
  const rows = Array.from(
    values,
    (value, c) => ({ className: options.classNames[c], value, chosen: c === options.highlight }),
  );
  const ticks = classTickLayout(options.classNames);
  return plot({
    title: options.title,
    width: options.width ?? 340,
    // Rotated class names take room from the bars, so the figure grows by their margin instead.
    height: (options.height ?? 220) + ticks.marginBottom - 35,
    marginBottom: ticks.marginBottom,
    marginLeft: ticks.marginLeft,
    x: {
      domain: [...options.classNames],
      label: "class",
      labelAnchor: "center",
      tickRotate: ticks.tickRotate,
    },
    y: { label: options.yLabel ?? "probability", domain: options.domain ?? [0, 1], grid: true },
    marks: [
      Plot.barY(rows, {
        x: "className",
        y: "value",
        fill: (d) => (d.chosen ? "#e15759" : "#4269d0"),
      }),
      Plot.ruleY([0]),
    ],
  });
}

/**
 * Columns of a first-layer matrix (784 × units) as 28×28 images in a blue–white–red scheme: what
 * each hidden unit responds to (weights), or how the loss would move it (gradients).
 *
 * @param m a 784 × units matrix (weights[0] or its gradient)
 * @param options `title`, `units` to show (default 16), `columns` (default 8), `label` per image
 * @returns the figure
 */
export function unitImages(
  m: Matrix,
  options: { title: string; subtitle?: string; units?: number; columns?: number; label?: string },
): Figure {
  const units = Math.min(options.units ?? 16, m.cols);
  const items: GridItem[] = Array.from({ length: units }, (_, unit) => {
    const column = new Float32Array(m.rows);
    for (let i = 0; i < m.rows; i++) column[i] = m.data[i * m.cols + unit];
    return { pixels: column, caption: `${options.label ?? "unit"} ${unit}`, signed: true };
  });
  return imageGrid(items, {
    title: options.title,
    subtitle: options.subtitle ??
      "blue: negative, white: zero, red: positive (each image scaled to its own largest value)",
    columns: options.columns ?? 8,
    size: 64,
  });
}

/**
 * The filters of a convolutional network's first convolution, one small image each (the first
 * input channel's k × k weights), in the colours of {@linkcode unitImages}.
 *
 * @param network a sequential network whose first layer with parameters is a convolution
 * @param options `title`, `filters` to show (default all, at most 64), `columns` (default 8)
 * @returns the figure
 */
export function filterImages(
  network: Network,
  options: { title?: string; subtitle?: string; filters?: number; columns?: number } = {},
): Figure {
  const first = isSequential(network)
    ? network.layers.find((layer) => layer.type === "conv" || layer.type === "dense")
    : undefined;
  if (first?.type !== "conv") {
    throw new RangeError(
      "Cannot draw filters: the network's first layer with weights is not a convolution",
    );
  }
  const w = network.weights[0], k = first.size;
  const count = Math.min(options.filters ?? 64, w.rows);
  // Each weight drawn as a block of pixels: image viewers smooth a small image when they enlarge it.
  const block = Math.ceil(28 / k), side = k * block;
  const items: GridItem[] = Array.from({ length: count }, (_, f) => ({
    pixels: Float32Array.from(
      { length: side * side },
      (_, i) =>
        w.data[f * w.cols + Math.floor(i / side / block) * k + Math.floor((i % side) / block)],
    ),
    caption: `filter ${f}`,
    signed: true,
  }));
  return imageGrid(items, {
    title: options.title ?? `The ${w.rows} filters of the first convolution (${k}×${k})`,
    subtitle: options.subtitle ??
      "blue: negative, white: zero, red: positive (each filter scaled to its own largest weight)",
    columns: options.columns ?? 8,
    size: 64,
  });
}
