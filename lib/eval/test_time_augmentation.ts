/**
 * Test-time augmentation: a network reads each test image several times, shifted by a pixel each
 * way, and its probabilities are averaged. A digit written a little off-centre gets a second
 * opinion from copies that sit where the training digits sat; it is a committee of views instead
 * of networks, and it costs one forward pass per view. A network trained on mirrored images (a
 * coat is a coat either way round) also reads every view flipped left to right.
 *
 * @module
 */

import type { EngineName } from "../engines/engine.ts";
import { type Matrix, matrix } from "../nn/matrix.ts";
import type { Network } from "../nn/network.ts";
import { meanProbabilities } from "./committee.ts";
import { classify } from "./predict.ts";

/** The views averaged by default: the image itself, and shifted one pixel right, left, down, up. */
export const TTA_SHIFTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/** The largest shift a view may make, in pixels. */
export const MAX_TTA_SHIFT = 4;

/**
 * Every image moved `dx` pixels right and `dy` down, the pixels that come in set to 0 (the
 * background): rows × (side × side) images, side = √cols.
 *
 * @returns new images; `images` is left alone
 * @throws RangeError when the rows are not square images or a shift is not a whole number of at
 *   most {@linkcode MAX_TTA_SHIFT} pixels
 * @example
 * ```ts
 * import { fromRows, shiftImages } from "../mod.ts";
 * shiftImages(fromRows([[1, 2, 3, 4]]), 1, 0).data; // [0, 1, 0, 3]
 * ```
 */
export function shiftImages(images: Matrix, dx: number, dy: number): Matrix {
  const side = squareSide(images, "shift");
  for (const [name, d] of [["dx", dx], ["dy", dy]] as const) {
    if (!Number.isInteger(d) || Math.abs(d) > MAX_TTA_SHIFT) {
      throw new RangeError(
        `Cannot shift images: expected ${name} to be a whole number of pixels from −${MAX_TTA_SHIFT} to ${MAX_TTA_SHIFT}, found ${d}`,
      );
    }
  }
  const out = matrix(images.rows, images.cols);
  const x0 = Math.max(0, dx), x1 = Math.min(side, side + dx);
  for (let r = 0; r < images.rows; r++) {
    const image = r * images.cols;
    for (let y = Math.max(0, dy); y < Math.min(side, side + dy); y++) {
      const to = image + y * side, from = image + (y - dy) * side - dx;
      out.data.set(images.data.subarray(from + x0, from + x1), to + x0);
    }
  }
  return out;
}

/**
 * Every image flipped left to right: rows × (side × side) images, side = √cols.
 *
 * @returns new images; `images` is left alone
 * @throws RangeError when the rows are not square images
 * @example
 * ```ts
 * import { fromRows, mirrorImages } from "../mod.ts";
 * mirrorImages(fromRows([[1, 2, 3, 4]])).data; // [2, 1, 4, 3]
 * ```
 */
export function mirrorImages(images: Matrix): Matrix {
  const side = squareSide(images, "mirror");
  const out = matrix(images.rows, images.cols);
  for (let row = 0; row < images.rows * side; row++) {
    const start = row * side;
    for (let x = 0; x < side; x++) out.data[start + x] = images.data[start + side - 1 - x];
  }
  return out;
}

/** The side of the square images that are the rows of `images`, or a RangeError. */
function squareSide(images: Matrix, verb: string): number {
  const side = Math.round(Math.sqrt(images.cols));
  if (side * side !== images.cols) {
    throw new RangeError(
      `Cannot ${verb} images: expected square images (28 × 28 = 784 columns), found ${images.cols} columns`,
    );
  }
  return side;
}

/**
 * The mean probabilities of `members` (one network is a committee of one) over every view of the
 * images: for K members and V views, the mean of K × V probability matrices.
 *
 * @param options `shifts` (default {@linkcode TTA_SHIFTS}); `mirrored`, to read every view flipped
 *   left to right too (twice the views: for networks trained with `mirror`); `engine` and
 *   `threads` as `classify` takes them
 * @returns rows × classes probabilities
 * @example
 * ```ts
 * import { classifyWithShifts, createNetwork, matrix } from "../mod.ts";
 * (await classifyWithShifts([createNetwork()], matrix(3, 784))).rows; // 3
 * ```
 */
export async function classifyWithShifts(
  members: Network[],
  images: Matrix,
  options: {
    shifts?: readonly (readonly [number, number])[];
    mirrored?: boolean;
    engine?: EngineName;
    threads?: number | "auto";
  } = {},
): Promise<Matrix> {
  const shifts = options.shifts ?? TTA_SHIFTS;
  if (members.length === 0 || shifts.length === 0) {
    throw new RangeError(
      `Cannot classify with shifts: expected at least one member and one shift, found ${members.length} and ${shifts.length}`,
    );
  }
  const each: Matrix[] = [];
  // One view at a time: a shifted copy of the test set is 31 MB.
  for (const [dx, dy] of shifts) {
    const view = dx === 0 && dy === 0 ? images : shiftImages(images, dx, dy);
    for (const member of members) each.push(await classify(member, view, options));
    if (!options.mirrored) continue;
    const flipped = mirrorImages(view);
    for (const member of members) each.push(await classify(member, flipped, options));
  }
  return meanProbabilities(each);
}
