/**
 * The colours and key panel that the multi-run figures share: one colour per run, up to ten, and a
 * key drawn as a figure of its own so that it never covers a curve.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Figure, MAX_WIDTH, plot } from "./figure.ts";

/** The colours of successive runs (Tableau 10). */
export const RUN_COLORS = [
  "#4e79a7",
  "#f28e2c",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc949",
  "#af7aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ab",
];

/** The widest a figure may be, in CSS pixels (one number for every figure: figure.ts's). */
export const MAX_FIGURE_WIDTH = MAX_WIDTH;

export const GAP = 12;

/** One line of a key: a coloured line (solid or dashed) or a symbol, and its label. */
export interface KeyEntry {
  label: string;
  color: string;
  dashed?: boolean;
  cross?: boolean;
  /** A filled square, for areas and bars. */
  swatch?: boolean;
}

/**
 * The width a key needs for its longest label.
 *
 * @returns the key's width in pixels
 */
export function keyWidth(entries: KeyEntry[], widest = 260): number {
  const longest = Math.max(...entries.map((e) => e.label.length));
  return Math.min(widest, Math.max(110, Math.ceil(40 + 6.4 * longest)));
}

/**
 * A key: one row per entry, drawn with the same strokes as the chart it explains.
 *
 * @returns the key as a figure
 */
export function keyPanel(entries: KeyEntry[], width = keyWidth(entries)): Figure {
  const rows = entries.map((entry, y) => ({ ...entry, y }));
  const line = (dashed: boolean) =>
    Plot.link(rows.filter((r) => !r.cross && !r.swatch && Boolean(r.dashed) === dashed), {
      x1: 0,
      x2: 1.6,
      y1: "y",
      y2: "y",
      stroke: "color",
      strokeWidth: 2.5,
      strokeDasharray: dashed ? "5,3" : undefined,
    });
  return plot({
    title: "Key",
    width,
    height: 22 * entries.length + 14,
    margin: 7,
    x: { domain: [0, 12], axis: null },
    y: { domain: [-0.5, entries.length - 0.5], axis: null, reverse: true },
    color: { type: "identity" },
    marks: [
      line(false),
      line(true),
      Plot.dot(rows.filter((r) => r.cross), {
        x: 0.8,
        y: "y",
        symbol: "times",
        stroke: "color",
        strokeWidth: 2,
        r: 4.5,
      }),
      Plot.dot(rows.filter((r) => r.swatch), {
        x: 0.8,
        y: "y",
        symbol: "square",
        fill: "color",
        fillOpacity: 0.6,
        r: 6,
      }),
      Plot.text(rows, { x: 2.2, y: "y", text: "label", textAnchor: "start", fontSize: 11 }),
    ],
  });
}

/**
 * A colour for each name, in order.
 *
 * @returns each name's colour
 */
export function colorsOf(names: string[]): Map<string, string> {
  return new Map(names.map((name, i) => [name, RUN_COLORS[i % RUN_COLORS.length]]));
}
