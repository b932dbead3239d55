/**
 * Data augmentation: each training image is distorted afresh every epoch, so the network sees a
 * slightly different digit each time and learns what does not change under small shifts,
 * rotations, scalings, shears and wobbles of the pen.
 *
 * - Affine: a random shift (±shift pixels), rotation (±rotation°), scaling (1 ± scale) and shear
 *   (±shear°) about the image's centre.
 * - Elastic (Simard, Steinkraus and Platt, 2003): every pixel moves by a random displacement field,
 *   uniform noise in [−1, 1] smoothed by a Gaussian of width σ and scaled by α. For speed the
 *   smoothed fields are drawn once per run into a seeded bank of 1,024, and each image takes one of
 *   them, mirrored at random along either axis.
 * - Mirror: each image flipped left to right with a given chance, alone or after the others: for
 *   pictures that mean the same either way round (Fashion-MNIST's clothes), never for digits (a
 *   mirrored 2 is no digit).
 * - Erase (Zhong, Zheng, Kang, Li and Yang, 2017, "random erasing"): with a given chance, a
 *   rectangle of 2% to 40% of the image, between 3:10 and 10:3 in shape, filled with uniform noise
 *   in [0, 1], drawn over the distorted image: the network cannot lean on any one part of it (a
 *   collar, a heel) and must see the rest.
 *
 * Every output pixel is read from the source by bilinear interpolation; outside the image is 0.
 *
 * @module
 */

import type { Matrix } from "../nn/matrix.ts";
import { Random } from "../nn/random.ts";

/** The kinds of augmentation. */
export const AUGMENTS = ["none", "affine", "elastic", "affine+elastic"] as const;

/** One of {@linkcode AUGMENTS}. */
export type AugmentName = typeof AUGMENTS[number];

/** What an augmentation does; angles in degrees, distances in pixels. */
export interface AugmentSettings {
  augment: AugmentName;
  shift: number;
  rotation: number;
  scale: number;
  shear: number;
  elasticAlpha: number;
  elasticSigma: number;
  /** The chance that an image is flipped left to right; 0 (or absent) for never. */
  mirror?: number;
  /** The chance that a rectangle of the image is erased to noise; 0 (or absent) for never. */
  erase?: number;
}

const BANK = 1024;

/**
 * A uniform number in [−1, 1) times `range`.
 */
const spread = (rng: Random, range: number) => (2 * rng.uniform() - 1) * range;

/**
 * A seeded source of distortions for images of one size: draw it once per run, then call
 * `distort` for each image.
 */
export class Augmenter {
  readonly #rng: Random;
  readonly #fields: Float32Array[] = [];
  readonly #dx: Float32Array;
  readonly #dy: Float32Array;

  constructor(
    readonly settings: AugmentSettings,
    readonly width = 28,
    readonly height = 28,
    seed = 695,
  ) {
    this.#rng = new Random(seed);
    this.#dx = new Float32Array(width * height);
    this.#dy = new Float32Array(width * height);
    if (settings.augment === "elastic" || settings.augment === "affine+elastic") {
      for (let k = 0; k < BANK; k++) {
        this.#fields.push(smoothedNoise(this.#rng, width, height, settings.elasticSigma));
      }
    }
  }

  /**
   * Writes a randomly distorted copy of `source` (height × width pixels, row-major) into `out`.
   *
   * @returns `out`
   */
  distort(source: Float32Array, out: Float32Array): Float32Array {
    const { width: w, height: h, settings } = this;
    const rng = this.#rng, dx = this.#dx, dy = this.#dy;
    dx.fill(0);
    dy.fill(0);
    if (this.#fields.length) {
      // One field of the bank, each axis mirrored at random: the bank holds dx then dy.
      const field = this.#fields[rng.integer(BANK)];
      const flipX = rng.uniform() < 0.5, flipY = rng.uniform() < 0.5;
      const alpha = settings.elasticAlpha;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const from = (flipY ? h - 1 - y : y) * w + (flipX ? w - 1 - x : x);
          dx[y * w + x] = alpha * (flipX ? -field[from] : field[from]);
          dy[y * w + x] = alpha * (flipY ? -field[w * h + from] : field[w * h + from]);
        }
      }
    }
    // The inverse affine map, from output pixel to source point, about the centre.
    let [a, b, c, d, tx, ty] = [1, 0, 0, 1, 0, 0];
    if (settings.augment === "affine" || settings.augment === "affine+elastic") {
      const angle = (spread(rng, settings.rotation) * Math.PI) / 180;
      const shear = (spread(rng, settings.shear) * Math.PI) / 180;
      const zoom = 1 + spread(rng, settings.scale);
      const cos = Math.cos(angle) / zoom, sin = Math.sin(angle) / zoom, t = Math.tan(shear);
      [a, b, c, d] = [cos, -sin + cos * t, sin, cos + sin * t];
      [tx, ty] = [spread(rng, settings.shift), spread(rng, settings.shift)];
    }
    // Drawn last, and only when asked for: the other distortions' draws stay as they were.
    const mirror = settings.mirror ?? 0;
    const mirrored = mirror > 0 && rng.uniform() < mirror;
    const cx = (w - 1) / 2, cy = (h - 1) / 2;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x, u = x - cx - tx, v = y - cy - ty;
        const sx = a * u + b * v + cx + dx[i], sy = c * u + d * v + cy + dy[i];
        out[i] = bilinear(source, w, h, mirrored ? 2 * cx - sx : sx, sy);
      }
    }
    // After the mirror's draw, and again only when asked for.
    const erase = settings.erase ?? 0;
    if (erase > 0 && rng.uniform() < erase) eraseRectangle(out, w, h, rng);
    return out;
  }

  /**
   * Distorts the training rows `indices` of `images` into the first rows of `out`.
   *
   * @returns `out`
   */
  batch(images: Matrix, indices: ArrayLike<number>, out: Matrix): Matrix {
    const n = images.cols;
    for (let r = 0; r < indices.length; r++) {
      const at = indices[r] * n;
      this.distort(images.data.subarray(at, at + n), out.data.subarray(r * n, (r + 1) * n));
    }
    return out;
  }
}

/**
 * Fills one random rectangle of `image` with uniform noise: its area 2% to 40% of the image's, its
 * height over width from 0.3 to 1 / 0.3 (uniform in the logarithm, so tall and wide are as likely).
 * A rectangle that does not fit is drawn again, up to ten times (Zhong et al.'s rule), then none.
 */
function eraseRectangle(image: Float32Array, w: number, h: number, rng: Random): void {
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = (0.02 + 0.38 * rng.uniform()) * w * h;
    const aspect = Math.exp(spread(rng, Math.log(1 / 0.3)));
    const rh = Math.round(Math.sqrt(area * aspect)), rw = Math.round(Math.sqrt(area / aspect));
    if (rh < 1 || rw < 1 || rh > h || rw > w) continue;
    const top = rng.integer(h - rh + 1), left = rng.integer(w - rw + 1);
    for (let y = top; y < top + rh; y++) {
      for (let x = left; x < left + rw; x++) image[y * w + x] = rng.uniform();
    }
    return;
  }
}

/** The value at (x, y) between pixels, 0 outside the image. */
function bilinear(source: Float32Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
  const at = (px: number, py: number) =>
    px < 0 || py < 0 || px >= w || py >= h ? 0 : source[py * w + px];
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
    fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/**
 * Two fields (dx then dy) of uniform noise in [−1, 1], each smoothed by a Gaussian of width σ
 * whose weights sum to 1: Simard's displacement field before it is scaled by α (with α = 34 and
 * σ = 4, pixels move by about 1.4 on average).
 *
 * @returns 2 × height × width values
 */
export function smoothedNoise(rng: Random, w: number, h: number, sigma: number): Float32Array {
  const out = new Float32Array(2 * w * h);
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from(
    { length: 2 * radius + 1 },
    (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)),
  );
  const total = kernel.reduce((s, v) => s + v, 0);
  const noise = new Float32Array(w * h), temp = new Float32Array(w * h);
  for (let f = 0; f < 2; f++) {
    for (let i = 0; i < noise.length; i++) noise[i] = 2 * rng.uniform() - 1;
    // Separable blur: along rows, then along columns; pixels past the edge count as 0.
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          if (x + k >= 0 && x + k < w) sum += kernel[k + radius] * noise[y * w + x + k];
        }
        temp[y * w + x] = sum / total;
      }
    }
    const field = out.subarray(f * w * h, (f + 1) * w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          if (y + k >= 0 && y + k < h) sum += kernel[k + radius] * temp[(y + k) * w + x];
        }
        field[y * w + x] = sum / total;
      }
    }
  }
  return out;
}
