/**
 * One elastic distortion, taken apart: the displacement field Simard, Steinkraus and Platt (2003)
 * move pixels by — uniform noise smoothed by a Gaussian of width σ and scaled by α — and the image
 * it gives. The `Augmenter` draws such fields into a bank and applies them during training; here a
 * single field is drawn from a seed so that it can be looked at, measured and applied.
 *
 * @module
 */

import { Random } from "../nn/random.ts";
import { type AugmentSettings, smoothedNoise } from "./augment.ts";

/** A displacement field: how far each pixel's source lies to the right (dx) and down (dy). */
export interface DisplacementField {
  width: number;
  height: number;
  /** dx[y·width + x], in pixels. */
  dx: Float32Array;
  /** dy[y·width + x], in pixels. */
  dy: Float32Array;
}

/**
 * An elastic displacement field: α times uniform noise in [−1, 1] smoothed by a Gaussian of width σ
 * (`smoothedNoise`), drawn from `seed`.
 *
 * @param options `alpha` α (default 34), `sigma` σ (default 4), `seed` (default 695), the image's
 *   `width` and `height` (default 28)
 * @returns the field, dx and dy in pixels
 * @example
 * ```ts
 * import { elasticField } from "./displacement.ts";
 * const field = elasticField({ alpha: 34, sigma: 4, seed: 1 });
 * field.dx.length; // 784
 * ```
 */
export function elasticField(
  options: { alpha?: number; sigma?: number; seed?: number; width?: number; height?: number } = {},
): DisplacementField {
  const { alpha = 34, sigma = 4, seed = 695, width = 28, height = 28 } = options;
  // σ past the image's width only slows the blur (its kernel spans 6σ), to minutes for 10⁵.
  const widest = Math.max(width, height);
  if (!(alpha >= 0 && alpha <= 1000) || !(sigma > 0 && sigma <= widest)) {
    throw new RangeError(
      `Cannot draw an elastic field: expected alpha from 0 to 1000 and sigma > 0 up to ${widest}, found alpha ${alpha}, sigma ${sigma}`,
    );
  }
  const noise = smoothedNoise(new Random(seed), width, height, sigma);
  const size = width * height;
  const dx = noise.subarray(0, size).map((v) => alpha * v);
  const dy = noise.subarray(size).map((v) => alpha * v);
  return { width, height, dx, dy };
}

/**
 * How far a field moves pixels: the mean and the largest length √(dx² + dy²).
 *
 * @returns the mean and the largest displacement, in pixels
 * @example
 * ```ts
 * import { displacementSize } from "./displacement.ts";
 * const field = { width: 2, height: 1, dx: new Float32Array([3, 0]), dy: new Float32Array([4, 0]) };
 * displacementSize(field); // { mean: 2.5, largest: 5 }
 * ```
 */
export function displacementSize(field: DisplacementField): { mean: number; largest: number } {
  let sum = 0, largest = 0;
  for (let i = 0; i < field.dx.length; i++) {
    const length = Math.hypot(field.dx[i], field.dy[i]);
    sum += length;
    largest = Math.max(largest, length);
  }
  return { mean: field.dx.length ? sum / field.dx.length : 0, largest };
}

/**
 * How smooth a field is: the mean length of the difference between the displacements of
 * neighbouring pixels (side by side, or one above the other). Well below the mean move itself, the
 * pixels move together and the digit bends; near it, neighbours move independently and the digit
 * tears.
 *
 * @returns the mean change between neighbours, in pixels
 * @example
 * ```ts
 * import { neighbourChange } from "./displacement.ts";
 * const field = { width: 2, height: 1, dx: new Float32Array([1, -1]), dy: new Float32Array(2) };
 * neighbourChange(field); // 2: the two pixels move apart
 * ```
 */
export function neighbourChange(field: DisplacementField): number {
  const { width: w, height: h, dx, dy } = field;
  let sum = 0, pairs = 0;
  const add = (i: number, j: number) => {
    sum += Math.hypot(dx[i] - dx[j], dy[i] - dy[j]);
    pairs++;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x + 1 < w) add(y * w + x, y * w + x + 1);
      if (y + 1 < h) add(y * w + x, (y + 1) * w + x);
    }
  }
  return pairs ? sum / pairs : 0;
}

/**
 * Applies a displacement field to an image, as the `Augmenter` does: output pixel (x, y) takes the
 * source's value at (x + dx, y + dy), read between pixels by bilinear interpolation (0 outside).
 *
 * @param pixels the image, height × width values, row-major
 * @param field the displacement of every pixel
 * @returns the distorted image, a new array
 * @example
 * ```ts
 * import { displaceImage } from "./displacement.ts";
 * const field = { width: 3, height: 1, dx: new Float32Array([1, 1, 1]), dy: new Float32Array(3) };
 * displaceImage(new Float32Array([1, 2, 3]), field); // [2, 3, 0]: every pixel reads its right neighbour
 * ```
 */
export function displaceImage(pixels: ArrayLike<number>, field: DisplacementField): Float32Array {
  const { width: w, height: h } = field;
  if (pixels.length !== w * h) {
    throw new RangeError(
      `Cannot displace an image: the field is ${h}×${w} (${
        w * h
      } pixels) but the image has ${pixels.length}`,
    );
  }
  const at = (x: number, y: number) => x < 0 || y < 0 || x >= w || y >= h ? 0 : pixels[y * w + x];
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const sx = x + field.dx[i], sy = y + field.dy[i];
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      out[i] = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
        fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
  return out;
}

/**
 * The settings of an augmentation in words, for captions: "affine: shift ±2 px, rotation ±10°,
 * scale ±10%, shear ±10°", "elastic: α 34, σ 4"; a mirror and an erasing, if any, after semicolons.
 *
 * @returns the description
 * @example
 * ```ts
 * import { describeAugment } from "./displacement.ts";
 * describeAugment({ augment: "elastic", shift: 2, rotation: 10, scale: 0.1, shear: 10, elasticAlpha: 34, elasticSigma: 4 }); // "elastic: α 34, σ 4"
 * describeAugment({ augment: "none", shift: 2, rotation: 10, scale: 0.1, shear: 10, elasticAlpha: 34, elasticSigma: 4, mirror: 0.5 }); // "mirrored left to right 50% of the time"
 * describeAugment({ augment: "none", shift: 2, rotation: 10, scale: 0.1, shear: 10, elasticAlpha: 34, elasticSigma: 4, mirror: 0.5, erase: 0.5 }); // "mirrored left to right 50% of the time; a rectangle erased 50% of the time"
 * ```
 */
export function describeAugment(settings: AugmentSettings): string {
  const affine = [
    settings.shift ? `shift ±${settings.shift} px` : "",
    settings.rotation ? `rotation ±${settings.rotation}°` : "",
    settings.scale ? `scale ±${Math.round(100 * settings.scale)}%` : "",
    settings.shear ? `shear ±${settings.shear}°` : "",
  ].filter(Boolean).join(", ") || "no change";
  const elastic = `α ${settings.elasticAlpha}, σ ${settings.elasticSigma}`;
  const described = {
    "affine": `affine: ${affine}`,
    "elastic": `elastic: ${elastic}`,
    "affine+elastic": `affine + elastic: ${affine}; ${elastic}`,
    "none": "",
  }[settings.augment];
  const mirror = settings.mirror ?? 0, erase = settings.erase ?? 0;
  const extras = [
    mirror > 0 ? `mirrored left to right ${Math.round(100 * mirror)}% of the time` : "",
    erase > 0 ? `a rectangle erased ${Math.round(100 * erase)}% of the time` : "",
  ].filter(Boolean);
  return [described, ...extras].filter(Boolean).join("; ") || "no augmentation";
}
