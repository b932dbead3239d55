/**
 * Reading a picture of a digit from a file: PNG (decoded by the npm package `pngjs`) or JPEG
 * (`jpeg-js`), told apart by their first bytes, not their names. Whatever the colours, the result
 * is a grey image for `mnistStyle`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { greyFromRgba, type GreyImage } from "./own_digit.ts";

/** The largest image read: 40 megapixels, far beyond any photo of a digit, and well within memory. */
const MAX_PIXELS = 40_000_000;

/**
 * Decodes PNG or JPEG bytes to a grey image.
 *
 * @param source the file's name, for errors
 * @throws Error naming the file: empty, not a PNG or JPEG, damaged, or too large
 */
export function decodeImage(bytes: Uint8Array, source = "the image"): GreyImage {
  const fail = (why: string): never => {
    throw new Error(`Cannot read ${source}: ${why}`);
  };
  if (bytes.length === 0) fail("the file is empty");
  const isPng = bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47].every((b, i) => bytes[i] === b);
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) {
    const start = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    fail(`expected a PNG or JPEG image, found a file starting with bytes ${start}`);
  }
  let width = 0, height = 0, rgba: Uint8Array = new Uint8Array(0);
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      ({ width, height } = png);
      rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
    } else {
      const image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_PIXELS / 1e6,
      });
      ({ width, height } = image);
      rgba = image.data;
    }
  } catch (error) {
    fail(
      `the ${isPng ? "PNG" : "JPEG"} data is damaged or unsupported (${(error as Error).message})`,
    );
  }
  if (width * height > MAX_PIXELS) {
    fail(`${width}×${height} pixels is more than ${MAX_PIXELS / 1e6} megapixels`);
  }
  if (width < 1 || height < 1) fail(`the image is ${width}×${height} pixels`);
  return greyFromRgba(rgba, width, height);
}

/**
 * Reads a PNG or JPEG file as a grey image.
 *
 * @throws Error naming the file when it is missing, unreadable or not an image
 */
export async function readImageFile(path: string): Promise<GreyImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot read '${path}': no such file`);
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new Error(`Cannot read '${path}': it is a folder`);
    }
    throw new Error(`Cannot read '${path}': ${(error as Error).message}`);
  }
  return decodeImage(bytes, `'${path}'`);
}
