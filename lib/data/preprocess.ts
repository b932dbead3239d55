/**
 * Step 2 of the assignment: turn raw bytes into what the network eats. Pixels become Float32 in
 * [0, 1], 28×28 images become rows of 784, labels become one-hot rows where the loss needs them,
 * and the rows are sampled, shuffled, split and cut into mini-batches with a seeded generator.
 *
 * @module
 */

import type { ImageSet } from "./datasets.ts";
import { type Matrix, matrix, takeRows } from "../nn/matrix.ts";
import { Random } from "../nn/random.ts";

/** Images as rows of Float32 pixels in [0, 1], with their class labels. */
export interface Examples {
  /** count × (height·width), one image per row. */
  images: Matrix;
  /** One class index per row. */
  labels: Uint8Array;
}

/**
 * Flattens each height × width image to a row and scales its bytes to [0, 1] (x / 255).
 *
 * @param set images as loaded by `loadDataset`
 * @returns count × (height·width) Float32 rows and the labels
 */
export function normalizeImages(set: ImageSet): Examples {
  const pixels = set.pixels;
  const out = new Float32Array(pixels.length);
  const scale = 1 / 255;
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] * scale;
  return { images: matrix(set.count, set.height * set.width, out), labels: set.labels };
}

/**
 * One-hot encodes class indices: row i is all zeros but a one in column labels[i]. The assignment's
 * `np.eye(classes)[labels]`.
 *
 * @returns labels.length × classes, a single 1 in each row
 * @example
 * ```ts
 * oneHot(new Uint8Array([2, 0]), 3); // rows [0, 0, 1] and [1, 0, 0]
 * ```
 */
export function oneHot(labels: ArrayLike<number>, classes = 10): Matrix {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(
      `Cannot one-hot encode: expected a positive class count, found ${classes}`,
    );
  }
  const out = matrix(labels.length, classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(
        `Cannot one-hot encode label ${i}: expected an integer from 0 to ${
          classes - 1
        }, found ${label}`,
      );
    }
    out.data[i * classes + label] = 1;
  }
  return out;
}

/**
 * The number of examples of each class.
 *
 * @returns the count of each class, indexed by class
 */
export function classCounts(labels: ArrayLike<number>, classes = 10): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * The examples at `indices`, copied, in that order.
 *
 * @returns new examples holding copies of those rows and labels
 */
export function takeExamples(examples: Examples, indices: ArrayLike<number>): Examples {
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) labels[i] = examples.labels[indices[i]];
  return { images: takeRows(examples.images, indices), labels };
}

/**
 * A balanced subset: `perClass` examples of every class, drawn at random (seeded), in shuffled
 * order. The reference notebook trains on such a subset.
 *
 * @param examples the full set
 * @param perClass examples to keep of each class
 * @param options `seed` (default 695) and `classes` (default 10)
 *
 * @returns perClass × classes examples, shuffled
 */
export function balancedSubset(
  examples: Examples,
  perClass: number,
  options: { seed?: number; classes?: number } = {},
): Examples {
  const classes = options.classes ?? 10;
  const counts = classCounts(examples.labels, classes);
  const smallest = Math.min(...counts);
  if (!Number.isInteger(perClass) || perClass < 1 || perClass > smallest) {
    throw new RangeError(
      `Cannot take a balanced subset: expected perClass from 1 to ${smallest} (the smallest class), found ${perClass}`,
    );
  }
  const rng = new Random(options.seed);
  const chosen: number[] = [];
  for (let c = 0; c < classes; c++) {
    const members: number[] = [];
    for (let i = 0; i < examples.labels.length; i++) if (examples.labels[i] === c) members.push(i);
    chosen.push(...rng.shuffle(members).slice(0, perClass));
  }
  return takeExamples(examples, rng.shuffle(chosen));
}

/**
 * Splits examples into training and validation sets after a seeded shuffle.
 *
 * @param examples the set to split
 * @param validationFraction the share that goes to validation, between 0 and 1
 * @param seed the shuffle's seed (default 695)
 *
 * @returns the two sets; together they hold every example once
 */
export function trainValidationSplit(
  examples: Examples,
  validationFraction: number,
  seed?: number,
): { train: Examples; validation: Examples } {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(
      `Cannot split: expected validationFraction between 0 and 1, found ${validationFraction}`,
    );
  }
  const order = new Random(seed).permutation(examples.labels.length);
  const validationSize = Math.round(order.length * validationFraction);
  return {
    validation: takeExamples(examples, order.subarray(0, validationSize)),
    train: takeExamples(examples, order.subarray(validationSize)),
  };
}

/**
 * Cuts `count` example indices into mini-batches of `batchSize` (the last may be smaller), in the
 * given order or in order 0 … count − 1.
 *
 * @returns views of the order, batchSize indices each (the last may hold fewer)
 * @example
 * ```ts
 * miniBatches(5, 2); // [0, 1], [2, 3], [4]
 * ```
 */
export function miniBatches(count: number, batchSize: number, order?: Uint32Array): Uint32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot make mini-batches: expected a positive batchSize, found ${batchSize}`,
    );
  }
  const indices = order ?? Uint32Array.from({ length: count }, (_, i) => i);
  const batches: Uint32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    batches.push(indices.subarray(start, Math.min(start + batchSize, count)));
  }
  return batches;
}

/**
 * Mean, standard deviation, minimum and maximum of some values (for pixel statistics).
 *
 * @returns the mean, standard deviation, minimum and maximum
 */
export function describe(values: ArrayLike<number>): {
  mean: number;
  std: number;
  min: number;
  max: number;
} {
  let sum = 0, sumSquares = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(Math.max(0, sumSquares / values.length - mean * mean)), min, max };
}

/**
 * The mean image of each class: row c is the pixel-wise mean of the rows labelled c.
 *
 * @returns classes × pixels: the mean image of each class
 */
export function classMeans(examples: Examples, classes = 10): Matrix {
  const { images, labels } = examples;
  const means = matrix(classes, images.cols);
  const counts = classCounts(labels, classes);
  for (let r = 0; r < images.rows; r++) {
    const target = labels[r] * images.cols;
    for (let c = 0; c < images.cols; c++) {
      means.data[target + c] += images.data[r * images.cols + c];
    }
  }
  for (let k = 0; k < classes; k++) {
    for (let c = 0; c < images.cols; c++) means.data[k * images.cols + c] /= Math.max(1, counts[k]);
  }
  return means;
}

/**
 * The shapes of a data set's four arrays, as the assignment prints them: "(60000, 28, 28)".
 *
 * @returns the four shapes as text, by array
 */
export function datasetShapes(
  data: { train: ImageSet; test: ImageSet },
): Record<string, string> {
  const shape = (set: ImageSet) => `(${set.count}, ${set.height}, ${set.width})`;
  return {
    "training images": shape(data.train),
    "training labels": `(${data.train.labels.length},)`,
    "test images": shape(data.test),
    "test labels": `(${data.test.labels.length},)`,
  };
}

/**
 * The pixels of example `i`: a view of its row, no copy.
 *
 * @returns height·width values in [0, 1]
 * @example
 * ```ts
 * import { imageOf } from "./preprocess.ts";
 * import { matrix } from "../nn/matrix.ts";
 * imageOf({ images: matrix(3, 784), labels: new Uint8Array(3) }, 2).length; // 784
 * ```
 */
export function imageOf(examples: Examples, i: number): Float32Array {
  const { images } = examples;
  if (!Number.isInteger(i) || i < 0 || i >= images.rows) {
    throw new RangeError(
      `Cannot take image ${i}: expected an index from 0 to ${images.rows - 1}`,
    );
  }
  return images.data.subarray(i * images.cols, (i + 1) * images.cols);
}
