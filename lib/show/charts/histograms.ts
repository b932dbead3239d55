/**
 * Charts of numbers: class counts as bars and histograms from pre-computed bins (so that 47 million
 * pixels become 50 rectangles before Plot sees them).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Figure, MAX_WIDTH, plot } from "../figure.ts";

/**
 * How to fit class names under a bar chart: digits stand upright; longer names (Fashion-MNIST's
 * "T-shirt/top", "Ankle boot") are rotated, with bottom and left margins wide enough that no name
 * is cut off and the axis label still fits under them.
 *
 * @param names the class names, in axis order
 * @returns `tickRotate` for the x axis, and `marginBottom` and `marginLeft` for the plot
 */
export function classTickLayout(
  names: readonly string[],
): { tickRotate: number; marginBottom: number; marginLeft: number } {
  const longest = Math.max(0, ...names.map((name) => name.length));
  if (longest <= 2) return { tickRotate: 0, marginBottom: 35, marginLeft: 50 };
  const angle = 40;
  // About 6.5 px a character at the 11 px axis font; the rotated name reaches down and to the left.
  const length = 6.5 * longest;
  const radians = (angle * Math.PI) / 180;
  return {
    tickRotate: -angle,
    marginBottom: Math.ceil(12 + length * Math.sin(radians) + 4 + 16),
    marginLeft: Math.max(50, Math.ceil(length * Math.cos(radians) - 8)),
  };
}

/**
 * Bars of how many examples each class has, each labelled with its count.
 *
 * @param counts one count per class
 * @param options `classNames`, `title`, the y-axis label `yLabel` (default "examples"), `color`
 *   and `width` (default 414, so that two charts fit side by side in a notebook's output)
 * @returns the figure
 */
export function classCountsChart(
  counts: number[],
  options: {
    classNames: readonly string[];
    title: string;
    yLabel?: string;
    color?: string;
    width?: number;
  },
): Figure {
  const rows = counts.map((count, c) => ({ className: options.classNames[c], count }));
  const ticks = classTickLayout(options.classNames);
  return plot({
    title: options.title,
    width: options.width ?? Math.floor((MAX_WIDTH - 12) / 2),
    height: 240 + ticks.marginBottom,
    marginBottom: ticks.marginBottom,
    marginLeft: ticks.marginLeft,
    x: {
      domain: [...options.classNames],
      label: "class",
      labelAnchor: "center",
      tickRotate: ticks.tickRotate,
    },
    // The inset keeps the tallest bar's count clear of the y-axis label above the frame.
    y: { label: options.yLabel ?? "examples", grid: true, insetTop: 14 },
    marks: [
      Plot.barY(rows, { x: "className", y: "count", fill: options.color ?? "#4269d0" }),
      Plot.text(rows, {
        x: "className",
        y: "count",
        text: (d) => String(d.count),
        dy: -6,
        fontSize: 9,
        fill: "#222",
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** One bin of a histogram: [x0, x1) and how many values fell in it. */
export interface Bin {
  x0: number;
  x1: number;
  count: number;
}

/**
 * Counts values into `bins` equal bins over [low, high] (the last bin includes `high`).
 *
 * @returns one bin per interval, with its edges and count
 * @example
 * ```ts
 * histogramBins([0, 0.5, 1], 2, [0, 1]); // [{x0: 0, x1: 0.5, count: 1}, {x0: 0.5, x1: 1, count: 2}]
 * ```
 */
export function histogramBins(
  values: ArrayLike<number>,
  bins: number,
  range?: [number, number],
): Bin[] {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(
      `Cannot make a histogram: expected a positive number of bins, found ${bins}`,
    );
  }
  let [low, high] = range ?? [Infinity, -Infinity];
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      low = Math.min(low, values[i]);
      high = Math.max(high, values[i]);
    }
  }
  const width = (high - low) / bins || 1;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < low || v > high) continue;
    counts[Math.min(bins - 1, Math.floor((v - low) / width))]++;
  }
  return Array.from(
    counts,
    (count, b) => ({ x0: low + b * width, x1: low + (b + 1) * width, count }),
  );
}

/**
 * A histogram of pre-computed bins; a logarithmic count axis by default, because pixel data is
 * mostly zeros. Several series (given by `series` on each bin) stack as panels that share the x
 * axis; `normalize` shows each series as shares of its own total, so that small and large series
 * can be compared; `shade` marks x ranges with a label (such as where a sigmoid saturates).
 *
 * @param bins from {@linkcode histogramBins}
 * @param options `title`, axis labels `xLabel` and `yLabel`, `logScale` (default true),
 *   `normalize` (default false), `shade`, `width`
 * @returns the figure
 */
export function histogramChart(
  bins: (Bin & { series?: string })[],
  options: {
    title: string;
    xLabel: string;
    yLabel?: string;
    logScale?: boolean;
    normalize?: boolean;
    shade?: { x1: number; x2: number; label: string }[];
    width?: number;
  },
): Figure {
  const log = options.logScale ?? true;
  const totals = new Map<string | undefined, number>();
  for (const b of bins) totals.set(b.series, (totals.get(b.series) ?? 0) + b.count);
  const scaled = bins.map((b) => ({
    ...b,
    value: options.normalize ? b.count / (totals.get(b.series) || 1) : b.count,
  }));
  const shown = log ? scaled.filter((b) => b.value > 0) : scaled;
  const series = [...totals.keys()].filter((name): name is string => Boolean(name));
  const faceted = series.length > 1;
  const defaultLabel = options.normalize ? "share of values" : "count";
  return plot({
    title: options.title,
    width: options.width ?? 600,
    height: faceted ? 40 + 160 * series.length : 280,
    marginLeft: 55,
    x: { label: options.xLabel, labelAnchor: "center" },
    y: {
      label: options.yLabel ?? (log ? `${defaultLabel} (log scale)` : defaultLabel),
      type: log ? "log" : "linear",
      grid: true,
      tickFormat: options.normalize && !log ? ".0%" : undefined,
    },
    // Panels are named by the text mark below (centred above each), not by a facet axis.
    fy: faceted ? { axis: null, domain: series, padding: 0.2 } : undefined,
    marks: [
      ...(options.shade ?? []).map((band) =>
        Plot.rectX([band], { x1: "x1", x2: "x2", fill: "#f28e2c", fillOpacity: 0.12 })
      ),
      Plot.rectY(shown, {
        x1: "x0",
        x2: "x1",
        y1: log ? (options.normalize ? 1e-7 : 1) : 0,
        y2: "value",
        fy: faceted ? "series" : undefined,
        fill: "#4269d0",
        inset: 0.5,
      }),
      // Shaded bands are labelled at the top of the first panel, over the bars, with a white halo
      // behind the dark text (paintOrder "stroke") so that bars never hide it.
      ...(options.shade ?? []).map((band) =>
        Plot.text([band], {
          x: (d) => (d.x1 + d.x2) / 2,
          text: "label",
          frameAnchor: "top",
          lineAnchor: "top",
          dy: 4,
          fill: "#b35900",
          stroke: "white",
          strokeWidth: 3,
          paintOrder: "stroke",
          fontSize: 10,
          fy: faceted ? () => series[0] : undefined,
        })
      ),
      // Each panel's name, dark text above its frame, in the gap that the facet padding leaves.
      ...(faceted
        ? [
          Plot.text(series, {
            fy: (d) => d,
            text: (d) => d,
            frameAnchor: "top",
            lineAnchor: "bottom",
            dy: -6,
            fontSize: 12,
            fontWeight: 600,
            fill: "#222",
          }),
        ]
        : []),
      ...(log ? [] : [Plot.ruleY([0])]),
    ],
  });
}
