/**
 * The figures and tables of steps 1 and 2: a labelled digit, the class counts of each split, pixel
 * statistics and the split of the data.
 *
 * @module
 */

import type { Table } from "../tables.ts";
import type { ImageSet } from "../../data/datasets.ts";
import { describe, type Examples } from "../../data/preprocess.ts";
import { classCountsChart } from "../charts/histograms.ts";
import { digitFigure } from "../charts/digits.ts";
import { combine, type Figure } from "../figure.ts";
import { table } from "../tables.ts";

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
 * import { statisticsTable } from "./acquire.ts";
 * import { describe } from "../../data/preprocess.ts";
 * statisticsTable({ bytes: describe([0, 255]), scaled: describe([0, 1]) }, "pixels").shape; // { height: 2, width: 5 }
 * ```
 */
export function statisticsTable(rows: Record<string, Statistics>, key = "values"): Table {
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
 * import { splitTable } from "./acquire.ts";
 * import { matrix } from "../../nn/matrix.ts";
 * const set = (n: number) => ({ images: matrix(n, 784), labels: new Uint8Array(n) });
 * splitTable({ fit: set(5), validation: set(1), test: set(2) }, [[0, 1], [2, 3], [4]]).shape; // { height: 3, width: 3 }
 * ```
 */
export function splitTable(
  sets: { fit: Examples; validation: Examples; test: Examples },
  batches: readonly ArrayLike<number>[],
): Table {
  return table([
    { set: "training (fit)", examples: sets.fit.labels.length, batches: batches.length },
    // Only the fitting set is cut into mini-batches: the others show a dash there.
    { set: "validation", examples: sets.validation.labels.length, batches: NaN },
    { set: "test", examples: sets.test.labels.length, batches: NaN },
  ]);
}
