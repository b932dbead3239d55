/**
 * The figures and tables of notebook 01, acquire: the data set's files, a labelled digit and the
 * class counts of each split.
 *
 * @module
 */

import type { FileRecord, ImageSet } from "../../data/datasets.ts";
import { classCountsChart } from "../charts/histograms.ts";
import { digitFigure } from "../charts/digits.ts";
import { combine, type Figure } from "../figure.ts";
import { type Table, table } from "../table.ts";

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
 * import { labelledDigitFigure } from "./acquire.ts";
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
 * import { classCountsBySplit } from "./acquire.ts";
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

/**
 * The data set's files: name, dimensions, bytes, SHA-256 and where each came from.
 *
 * @returns the table
 */
export function filesTable(files: FileRecord[]): Table {
  return table(files.map((f) => ({
    file: f.file,
    dimensions: `(${f.dims.join(", ")})`,
    bytes: f.bytes,
    sha256: f.sha256,
    source: f.source,
  })));
}
