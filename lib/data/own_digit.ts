/**
 * Your own digit, the way MNIST's were made. MNIST's digits are white on black, scaled so that the
 * longer side of the digit fills a 20 × 20 box (keeping its aspect ratio, with grey, anti-aliased
 * edges), then placed in a 28 × 28 image so that their centre of mass is the centre. A photo or a
 * drawing fed to the network without these steps looks nothing like what it learned from, which
 * is why home-made digits so often fail. Each step here is a function, and `mnistStyle` returns
 * every intermediate image so a notebook can show them.
 *
 * @module
 */

/** A grey image: `width × height` values in [0, 1], row by row. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/** Every step of {@linkcode mnistStyle}, for pictures; `digit` is what the network reads. */
export interface MnistSteps {
  /** The image in grey levels (0 black, 1 white). */
  grey: GreyImage;
  /** Ink as bright on dark, the background taken to 0 and the ink stretched to 1. */
  ink: GreyImage;
  /** Whether the image was dark ink on light paper (and so was inverted). */
  inverted: boolean;
  /** The ink's bounding box, cropped. */
  cropped: GreyImage;
  /** Scaled so that its longer side is 20 pixels. */
  scaled: GreyImage;
  /** The 784 pixels of the 28 × 28 image, centred by mass: the network's input. */
  digit: Float32Array;
}

/**
 * Grey levels from RGBA bytes (as image decoders give them): luminance 0.299 R + 0.587 G +
 * 0.114 B, over white where the image is transparent (a drawing on a transparent canvas is ink on
 * paper).
 *
 * @returns the grey image, 0 black and 1 white
 */
export function greyFromRgba(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): GreyImage {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(
      `Cannot read an image: expected ${width}×${height}×4 = ${
        width * height * 4
      } RGBA bytes, found ${rgba.length}`,
    );
  }
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const [r, g, b, a] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3] / 255];
    const luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    pixels[i] = a * luminance + (1 - a);
  }
  return { width, height, pixels };
}

/** The median of the image's outermost rows and columns: its background, as a rule. */
export function borderLevel(image: GreyImage): number {
  const { width: w, height: h, pixels } = image, border: number[] = [];
  for (let x = 0; x < w; x++) border.push(pixels[x], pixels[(h - 1) * w + x]);
  for (let y = 1; y < h - 1; y++) border.push(pixels[y * w], pixels[y * w + w - 1]);
  border.sort((a, b) => a - b);
  return border[border.length >> 1];
}

/**
 * Ink as bright on a black background, MNIST's way round: an image whose border is lighter than
 * mid-grey is dark ink on paper and is inverted. The background level goes to 0 and the darkest
 * ink to 1; the faintest marks (under `floor` of the range: paper texture, noise) go to 0. A page
 * whose darkest mark differs from its background by less than `contrast` of the full scale (a
 * blank grey page, its noise stretched, would look like scribbles) holds no ink: all 0.
 *
 * @returns the ink image and whether it was inverted
 */
export function inkOf(
  grey: GreyImage,
  floor = 0.05,
  contrast = 0.1,
): { ink: GreyImage; inverted: boolean } {
  const background = borderLevel(grey);
  const inverted = background > 0.5;
  const ink = grey.pixels.map((v) => (inverted ? 1 - v : v));
  const base = inverted ? 1 - background : background;
  let top = 0;
  for (const v of ink) top = Math.max(top, v);
  const range = top - base;
  for (let i = 0; i < ink.length; i++) {
    const level = range >= contrast ? (ink[i] - base) / range : 0;
    ink[i] = level < floor ? 0 : Math.min(1, level);
  }
  return { ink: { ...grey, pixels: ink }, inverted };
}

/**
 * The smallest rectangle holding every pixel of ink (every non-zero pixel), cropped out: in MNIST
 * the grey rim of the strokes counts towards the 20 pixels.
 *
 * @throws RangeError when the image holds no ink at all
 */
export function cropToInk(image: GreyImage): GreyImage {
  const { width: w, height: h, pixels } = image;
  let left = w, right = -1, top = h, bottom = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x] > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) {
    throw new RangeError(
      "Cannot find a digit: the image holds no ink (no mark differs from the background by 10% or more)",
    );
  }
  const width = right - left + 1, height = bottom - top + 1;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    out.set(pixels.subarray((top + y) * w + left, (top + y) * w + left + width), y * width);
  }
  return { width, height, pixels: out };
}

/**
 * Resamples an image to `width × height` by area: each new pixel is the mean of the part of the
 * old image it covers, which anti-aliases a reduction the way MNIST's grey edges were made.
 *
 * @returns the resized image
 */
export function resizeByArea(image: GreyImage, width: number, height: number): GreyImage {
  const sx = image.width / width, sy = image.height / height;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = y * sy, y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx, x1 = x0 + sx;
      let sum = 0;
      for (let v = Math.floor(y0); v < Math.min(Math.ceil(y1), image.height); v++) {
        const cover = Math.min(y1, v + 1) - Math.max(y0, v);
        for (let u = Math.floor(x0); u < Math.min(Math.ceil(x1), image.width); u++) {
          sum += cover * (Math.min(x1, u + 1) - Math.max(x0, u)) *
            image.pixels[v * image.width + u];
        }
      }
      out[y * width + x] = sum / (sx * sy);
    }
  }
  return { width, height, pixels: out };
}

/**
 * Places an image of at most 28 × 28 in a 28 × 28 frame so that its centre of mass lands on pixel
 * (14, 14), counting from 0 — where MNIST's digits have theirs on average — shifted by whole
 * pixels; what would fall outside is cut off.
 *
 * @returns 784 pixels
 */
export function centreByMass(image: GreyImage, side = 28): Float32Array {
  const { width: w, height: h, pixels } = image;
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = pixels[y * w + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const dx = Math.round(side / 2 - (mass > 0 ? mx / mass : (w - 1) / 2));
  const dy = Math.round(side / 2 - (mass > 0 ? my / mass : (h - 1) / 2));
  const out = new Float32Array(side * side);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [tx, ty] = [x + dx, y + dy];
      if (tx >= 0 && tx < side && ty >= 0 && ty < side) out[ty * side + tx] = pixels[y * w + x];
    }
  }
  return out;
}

/**
 * MNIST's preprocessing of any grey image of one digit, dark on light or light on dark, any size,
 * with any margin: ink bright on black, cropped to the ink, scaled to fit 20 × 20 keeping its
 * aspect ratio, centred by mass in 28 × 28.
 *
 * @returns every step; `digit` is the network's input
 * @throws RangeError when the image is empty (no ink)
 * @example
 * ```ts
 * import { mnistStyle } from "./own_digit.ts";
 * // A 60 × 40 light image with a dark bar: a "1".
 * const pixels = new Float32Array(60 * 40).fill(1);
 * for (let y = 8; y < 32; y++) for (let x = 28; x < 33; x++) pixels[y * 60 + x] = 0;
 * const steps = mnistStyle({ width: 60, height: 40, pixels });
 * [steps.inverted, steps.scaled.height]; // [true, 20]
 * ```
 */
export function mnistStyle(grey: GreyImage): MnistSteps {
  const { ink, inverted } = inkOf(grey);
  const cropped = cropToInk(ink);
  const scale = 20 / Math.max(cropped.width, cropped.height);
  const scaled = resizeByArea(
    cropped,
    Math.max(1, Math.round(cropped.width * scale)),
    Math.max(1, Math.round(cropped.height * scale)),
  );
  return { grey, ink, inverted, cropped, scaled, digit: centreByMass(scaled) };
}

/**
 * A stand-in for a photo of a handwritten digit, made from a 28 × 28 MNIST image: enlarged
 * `scale` times, dark ink on light paper, the light falling off across the page, a little seeded
 * noise, and a margin. For trying the preprocessing when no photo is at hand.
 *
 * @returns the grey "photo"
 */
export function onPaper(
  digit: Float32Array,
  options: { scale?: number; seed?: number } = {},
): GreyImage {
  const scale = options.scale ?? 5;
  const big = resizeByArea({ width: 28, height: 28, pixels: digit }, 28 * scale, 28 * scale);
  const width = 28 * scale + 60, height = 28 * scale + 30;
  const pixels = new Float32Array(width * height);
  let state = (options.seed ?? 695) >>> 0;
  const noise = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const paper = 0.92 - 0.15 * (x / width) - 0.05 * (y / height);
      const [u, v] = [x - 35, y - 12];
      const ink = u >= 0 && u < big.width && v >= 0 && v < big.height
        ? big.pixels[v * big.width + u]
        : 0;
      pixels[y * width + x] = Math.min(1, Math.max(0, paper * (1 - 0.85 * ink) + 0.03 * noise()));
    }
  }
  return { width, height, pixels };
}
