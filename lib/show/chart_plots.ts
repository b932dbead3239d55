/**
 * Charts of numbers: class counts as bars and histograms from pre-computed bins (so that 47 million
 * pixels become 50 rectangles before Plot sees them).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Figure, plot } from "./figure.ts";

/**
 * Bars of how many examples each class has, each labelled with its count.
 *
 * @param counts one count per class
 * @param options `classNames`, `title`, the y-axis label `yLabel` (default "examples") and `color`
 */
export function classCountsChart(
  counts: number[],
  options: { classNames: readonly string[]; title: string; yLabel?: string; color?: string },
): Figure {
  const rows = counts.map((count, c) => ({ className: options.classNames[c], count }));
  return plot({
    title: options.title,
    width: 520,
    height: 300,
    marginBottom: options.classNames.some((n) => n.length > 2) ? 60 : 35,
    x: {
      domain: [...options.classNames],
      label: "class",
      tickRotate: options.classNames.some((n) => n.length > 2) ? -30 : 0,
    },
    y: { label: options.yLabel ?? "examples", grid: true },
    marks: [
      Plot.barY(rows, { x: "className", y: "count", fill: options.color ?? "#4269d0" }),
      Plot.text(rows, {
        x: "className",
        y: "count",
        text: (d) => String(d.count),
        dy: -6,
        fontSize: 9,
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
    height: faceted ? 40 + 150 * series.length : 280,
    marginLeft: 55,
    x: { label: options.xLabel, labelAnchor: "center" },
    y: {
      label: options.yLabel ?? (log ? `${defaultLabel} (log scale)` : defaultLabel),
      type: log ? "log" : "linear",
      grid: true,
      tickFormat: options.normalize && !log ? ".0%" : undefined,
    },
    fy: faceted ? { axis: null, domain: series, padding: 0.15 } : undefined,
    marks: [
      ...(options.shade ?? []).map((band) =>
        Plot.rectX([band], { x1: "x1", x2: "x2", fill: "#f28e2c", fillOpacity: 0.12 })
      ),
      ...(options.shade ?? []).map((band) =>
        Plot.text([band], {
          x: (d) => (d.x1 + d.x2) / 2,
          text: "label",
          frameAnchor: "bottom",
          dy: -4,
          fill: "#b35900",
          fontSize: 10,
          fy: faceted ? () => series.at(-1) : undefined,
        })
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
      ...(faceted
        ? [
          Plot.text(series, {
            fy: (d) => d,
            text: (d) => d,
            frameAnchor: "top-left",
            dx: 6,
            dy: 4,
            fontWeight: 600,
            stroke: "white",
            strokeWidth: 3,
          }),
        ]
        : []),
      ...(log ? [] : [Plot.ruleY([0])]),
    ],
  });
}
