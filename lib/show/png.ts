/**
 * PNG images of pixels, so that digits and weight maps are drawn as real images inside Plot
 * figures (linkedom has no canvas to rasterise with): encoded by the npm package `pngjs`, which
 * also decodes the pictures `deno task classify` reads.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { PNG } from "pngjs";

/**
 * Encodes 8-bit pixels as a PNG file.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param pixels row-major bytes: one per pixel (grey) or three (RGB)
 * @param channels 1 for grey, 3 for RGB
 * @returns the PNG file's bytes
 */
export function encodePng(
  width: number,
  height: number,
  pixels: Uint8Array,
  channels: 1 | 3 = 1,
): Uint8Array {
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `Cannot encode a ${width}×${height} PNG: expected ${
        width * height * channels
      } bytes, found ${pixels.length}`,
    );
  }
  const png = new PNG({
    width,
    height,
    colorType: channels === 1 ? 0 : 2,
    inputColorType: channels === 1 ? 0 : 2,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length);
  const file = PNG.sync.write(png, {
    colorType: channels === 1 ? 0 : 2,
    inputColorType: channels === 1 ? 0 : 2,
    inputHasAlpha: false,
  });
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}

/**
 * A PNG as a `data:` address, for an image mark's `src`.
 *
 * @returns a data: URL of the PNG
 */
export function pngDataUrl(
  width: number,
  height: number,
  pixels: Uint8Array,
  channels: 1 | 3 = 1,
): string {
  return `data:image/png;base64,${encodePng(width, height, pixels, channels).toBase64()}`;
}
