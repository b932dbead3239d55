/**
 * The tables of notebook 02, preprocess: pixel statistics before and after normalising, one-hot
 * labels beside their classes, and the split of the data into the sets of a run.
 *
 * @module
 */

import { describe, type Examples } from "../../data/preprocess.ts";
import type { Matrix } from "../../nn/matrix.ts";
import { type Table, table } from "../table.ts";

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
 * import { statisticsTable } from "./preprocess.ts";
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
 * The first rows of a one-hot matrix beside their labels: one column per class.
 *
 * @returns the table
 */
export function oneHotTable(labels: ArrayLike<number>, encoded: Matrix, rows = 5): Table {
  return table(Array.from({ length: Math.min(rows, encoded.rows) }, (_, r) => {
    const row: Record<string, number> = { label: labels[r] };
    for (let c = 0; c < encoded.cols; c++) row[`class ${c}`] = encoded.data[r * encoded.cols + c];
    return row;
  }));
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
 * import { splitTable } from "./preprocess.ts";
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
