/**
 * Figures of images: a single digit with pixel axes (the assignment's `plt.imshow`), grids of
 * captioned digits, a grid of samples per class, and signed maps such as weights or gradients.
 * Every image is a real PNG inside the figure, drawn with crisp, unsmoothed pixels.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Figure, MAX_WIDTH, plot } from "../figure.ts";
import { pngDataUrl } from "../png.ts";
import { Random } from "../../nn/random.ts";

/** A square image of pixels: bytes 0–255, or floats (scaled by their own range). */
export type Pixels = ArrayLike<number>;

/**
 * Ink on paper: maps pixel values to grey bytes, dark where the value is high. Bytes are used as
 * they are; floats are scaled from [min, max] (or from `range` when given).
 * @returns one grey byte per pixel, 0 black to 255 white
 */
export function greyBytes(pixels: Pixels, range?: [number, number]): Uint8Array {
  let [low, high] = range ?? [0, 255];
  if (!range && !(pixels instanceof Uint8Array)) {
    low = Infinity;
    high = -Infinity;
    for (let i = 0; i < pixels.length; i++) {
      low = Math.min(low, pixels[i]);
      high = Math.max(high, pixels[i]);
    }
  }
  const scale = high > low ? 255 / (high - low) : 0;
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = 255 - Math.round((pixels[i] - low) * scale);
  return out;
}

/**
 * A signed map in a blue–white–red diverging scheme, symmetric around zero: for weights and
 * gradients, where the sign matters as much as the size.
 * @returns RGBA bytes, blue for negative, red for positive
 */
export function divergingBytes(values: Pixels, limit?: number): Uint8Array {
  let bound = limit ?? 0;
  if (limit === undefined) {
    for (let i = 0; i < values.length; i++) bound = Math.max(bound, Math.abs(values[i]));
  }
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const t = bound > 0 ? Math.max(-1, Math.min(1, values[i] / bound)) : 0;
    // White at zero, towards #b2182b (red) for positive and #2166ac (blue) for negative.
    const [r, g, b] = t >= 0 ? [178, 24, 43] : [33, 102, 172];
    const a = Math.abs(t);
    out[3 * i] = Math.round(255 + (r - 255) * a);
    out[3 * i + 1] = Math.round(255 + (g - 255) * a);
    out[3 * i + 2] = Math.round(255 + (b - 255) * a);
  }
  return out;
}

function side(pixels: Pixels): number {
  const n = Math.round(Math.sqrt(pixels.length));
  if (n * n !== pixels.length) {
    throw new RangeError(
      `Cannot draw an image: expected a square number of pixels (784 for 28×28), found ${pixels.length}`,
    );
  }
  return n;
}

/**
 * A PNG data address of a square image: grey ink on paper, or a diverging map when `signed`.
 *
 * @returns a PNG data URL of the image
 */
export function imageSource(pixels: Pixels, options: { signed?: boolean; limit?: number } = {}) {
  const n = side(pixels);
  return options.signed
    ? pngDataUrl(n, n, divergingBytes(pixels, options.limit), 3)
    : pngDataUrl(n, n, greyBytes(pixels));
}

/**
 * One digit with pixel axes, like `plt.imshow`.
 *
 * @param pixels 784 values of a 28×28 image
 * @param options `title` and the drawn `size` in CSS pixels (default 280)
 * @returns the figure
 */
export function digitFigure(pixels: Pixels, options: { title: string; size?: number }): Figure {
  const n = side(pixels);
  const size = options.size ?? 280;
  const margin = { top: 10, right: 10, bottom: 40, left: 45 };
  return plot({
    title: options.title,
    width: size + margin.left + margin.right,
    height: size + margin.top + margin.bottom,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    x: { domain: [0, n], label: "column (pixel) →", labelAnchor: "center" },
    y: { domain: [n, 0], label: "↓ row (pixel)", labelAnchor: "center" },
    marks: [
      Plot.image([0], {
        x: n / 2,
        y: n / 2,
        width: size,
        height: size,
        src: () => imageSource(pixels),
        imageRendering: "pixelated",
      }),
      Plot.frame({ stroke: "#999" }),
    ],
  });
}

/** One image in a grid: its pixels and a caption under it. */
export interface GridItem {
  pixels: Pixels;
  caption: string;
  /** Draw in a blue–red diverging scheme (for weights and gradients). */
  signed?: boolean;
  /** Colour the caption, e.g. red for a mistake. */
  color?: string;
}

/**
 * Images in a grid, each with a caption.
 *
 * @param items the images, in reading order
 * @param options `title`, `columns` (default 10), image `size` in CSS pixels (default 56), and an
 *   optional `subtitle`
 * @returns the figure
 */
export function imageGrid(
  items: GridItem[],
  options: { title: string; subtitle?: string; columns?: number; size?: number },
): Figure {
  if (items.length === 0) {
    return plot({
      title: options.title,
      subtitle: options.subtitle,
      width: 200,
      height: 40,
      marks: [Plot.text(["(none)"], { frameAnchor: "left", fill: "#777", fontSize: 12 })],
    });
  }
  const size = options.size ?? 56;
  // Wide enough for the longest caption (about 6 px a character at this size).
  const cellWidth = Math.max(
    size + 8,
    6 * Math.max(...items.map((item) => item.caption.length)) + 6,
  );
  // Fewer columns (more rows) rather than a grid wider than a notebook's output.
  const fitting = Math.max(1, Math.floor(MAX_WIDTH / cellWidth));
  const columns = Math.min(options.columns ?? 10, items.length, fitting);
  const rows = Math.ceil(items.length / columns);
  const cells = items.map((item, i) => ({
    ...item,
    column: i % columns,
    row: Math.floor(i / columns),
  }));
  const cellHeight = size + 18;
  return plot({
    title: options.title,
    subtitle: options.subtitle,
    width: columns * cellWidth,
    height: rows * cellHeight,
    margin: 0,
    x: { type: "band", domain: [...Array(columns).keys()], axis: null, padding: 0 },
    y: { type: "band", domain: [...Array(rows).keys()], axis: null, padding: 0 },
    marks: [
      Plot.image(cells, {
        x: "column",
        y: "row",
        dy: -8,
        width: size,
        height: size,
        src: (d: GridItem) => imageSource(d.pixels, { signed: d.signed }),
        imageRendering: "pixelated",
      }),
      Plot.text(cells, {
        x: "column",
        y: "row",
        dy: size / 2 + 1,
        text: "caption",
        fill: (d: GridItem) => d.color ?? "#222",
        fontSize: 10,
      }),
    ],
  });
}

/**
 * A grid of random samples, one row per class, labelled with the class names.
 *
 * @param set images (`pixels`, `labels`, `count`, `height`, `width`)
 * @param options `classNames`, `perClass` (default 10), `seed` (default 695), `title`
 * @returns the figure
 */
export function samplesPerClass(
  set: { pixels: Uint8Array; labels: Uint8Array; height: number; width: number },
  options: { classNames: readonly string[]; perClass?: number; seed?: number; title: string },
): Figure {
  const perClass = options.perClass ?? 10;
  const rng = new Random(options.seed);
  const imageSize = set.height * set.width;
  const size = 40;
  const cells: { pixels: Uint8Array; column: number; className: string }[] = [];
  options.classNames.forEach((className, c) => {
    const members: number[] = [];
    for (let i = 0; i < set.labels.length; i++) if (set.labels[i] === c) members.push(i);
    rng.shuffle(members).slice(0, perClass).forEach((index, column) => {
      cells.push({
        pixels: set.pixels.subarray(index * imageSize, (index + 1) * imageSize),
        column,
        className,
      });
    });
  });
  const marginLeft = 30 + 6 * Math.max(...options.classNames.map((name) => name.length));
  return plot({
    title: options.title,
    width: marginLeft + perClass * (size + 2),
    height: options.classNames.length * (size + 2) + 10,
    marginLeft,
    marginTop: 5,
    marginBottom: 5,
    marginRight: 0,
    x: { type: "band", domain: [...Array(perClass).keys()], axis: null, padding: 0 },
    y: { type: "band", domain: [...options.classNames], label: "class", padding: 0, tickSize: 0 },
    marks: [
      Plot.image(cells, {
        x: "column",
        y: "className",
        width: size,
        height: size,
        src: (d: { pixels: Uint8Array }) => imageSource(d.pixels),
        imageRendering: "pixelated",
      }),
    ],
  });
}
