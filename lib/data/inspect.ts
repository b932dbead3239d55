/**
 * Looking into data, for the notebooks' checks and captions: the first images or examples of a set
 * (a fixed batch to look at), the share of values that pass a test, how much larger the largest
 * class is than the smallest, and whether a matrix is the one-hot encoding of some labels.
 *
 * @module
 */

import type { Matrix } from "../nn/matrix.ts";
import type { ImageSet } from "./datasets.ts";
import { type Examples, takeExamples } from "./preprocess.ts";

/**
 * The first `count` images of a set as loaded (bytes) and their labels, as views without a copy: a
 * batch to normalise without normalising the whole set.
 *
 * @param set the images as `loadDataset` returns them (e.g. `data.train`)
 * @param count how many, from 0 to the set's size
 * @returns an image set of `count` images
 * @example
 * ```ts
 * import { firstImages } from "./inspect.ts";
 * const set = { pixels: new Uint8Array(3 * 784), labels: new Uint8Array([3, 1, 4]), count: 3, height: 28, width: 28 };
 * firstImages(set, 2).pixels.length; // 1568
 * ```
 */
export function firstImages(set: ImageSet, count: number): ImageSet {
  if (!Number.isInteger(count) || count < 0 || count > set.count) {
    throw new RangeError(
      `Cannot take the first images: expected a count from 0 to ${set.count}, found ${count}`,
    );
  }
  return {
    ...set,
    pixels: set.pixels.subarray(0, count * set.height * set.width),
    labels: set.labels.subarray(0, count),
    count,
  };
}

/**
 * The first `count` examples of a set, copied, in order: a fixed batch to look at.
 *
 * @param examples the set
 * @param count how many, from 0 to the set's size
 * @returns count examples
 * @example
 * ```ts
 * import { firstExamples } from "./inspect.ts";
 * import { matrix } from "../nn/matrix.ts";
 * const set = { images: matrix(5, 784), labels: new Uint8Array([3, 1, 4, 1, 5]) };
 * firstExamples(set, 2).labels; // Uint8Array [3, 1]
 * ```
 */
export function firstExamples(examples: Examples, count: number): Examples {
  const size = examples.labels.length;
  if (!Number.isInteger(count) || count < 0 || count > size) {
    throw new RangeError(
      `Cannot take the first examples: expected a count from 0 to ${size}, found ${count}`,
    );
  }
  return takeExamples(examples, Uint32Array.from({ length: count }, (_, i) => i));
}

/**
 * The share of values for which `test` holds, such as the share of background pixels.
 *
 * @returns a number from 0 to 1 (0 for no values)
 * @example
 * ```ts
 * import { shareOf } from "./inspect.ts";
 * shareOf(new Uint8Array([0, 0, 128, 255]), (p) => p === 0); // 0.5
 * ```
 */
export function shareOf(values: ArrayLike<number>, test: (value: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (test(values[i])) count++;
  return values.length === 0 ? 0 : count / values.length;
}

/**
 * How many times larger the largest class is than the smallest: 1 for perfectly balanced classes.
 *
 * @param counts one count per class, as from `classCounts`
 * @returns the ratio of the largest count to the smallest (Infinity when a class is empty)
 * @example
 * ```ts
 * import { largestToSmallest } from "./inspect.ts";
 * largestToSmallest([50, 40, 62]); // 1.55
 * ```
 */
export function largestToSmallest(counts: readonly number[]): number {
  if (counts.length === 0) {
    throw new RangeError("Cannot compare class sizes: expected at least one count, found none");
  }
  return Math.max(...counts) / Math.min(...counts);
}

/**
 * Whether `encoded` is the one-hot encoding of `labels`: one row per label, each row all zeros but
 * a single 1 in the column of its label.
 *
 * @returns true when every row is exactly its label's one-hot row
 * @example
 * ```ts
 * import { isOneHotOf } from "./inspect.ts";
 * import { fromRows } from "../nn/matrix.ts";
 * isOneHotOf(fromRows([[0, 0, 1], [1, 0, 0]]), [2, 0]); // true
 * ```
 */
export function isOneHotOf(encoded: Matrix, labels: ArrayLike<number>): boolean {
  if (encoded.rows !== labels.length) return false;
  for (let r = 0; r < encoded.rows; r++) {
    for (let c = 0; c < encoded.cols; c++) {
      if (encoded.data[r * encoded.cols + c] !== (c === labels[r] ? 1 : 0)) return false;
    }
  }
  return true;
}
