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
import { declaredSize, pictureKind } from "./image_header.ts";
import { limitOf, pastLimit } from "./limits.ts";
import { greyFromRgba, type GreyImage } from "./own_digit.ts";
import { readCapped } from "./read_capped.ts";

/**
 * Decodes PNG or JPEG bytes to a grey image.
 *
 * @param source the file's name, for errors
 * @throws Error naming the file: empty, not a PNG or JPEG, damaged, or too large (its header's
 *   size is checked against the `picturePixels` limit before it is decoded)
 */
export function decodeImage(bytes: Uint8Array, source = "the image"): GreyImage {
  const fail = (why: string): never => {
    throw new Error(`Cannot read ${source}: ${why}`);
  };
  if (bytes.length === 0) fail("the file is empty");
  const kind = pictureKind(bytes), isPng = kind === "PNG";
  if (!kind) {
    const start = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    fail(`expected a PNG or JPEG image, found a file starting with bytes ${start}`);
  }
  const most = limitOf("picturePixels");
  try {
    const declared = declaredSize(bytes, kind!);
    if (declared.width * declared.height > most) {
      fail(
        `its header declares ${declared.width}×${declared.height} pixels: ${
          pastLimit("picturePixels", declared.width * declared.height)
        }`,
      );
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    fail(`the ${kind} data is damaged: ${error.message}`);
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
        maxResolutionInMP: most / 1e6,
      });
      ({ width, height } = image);
      rgba = image.data;
    }
  } catch (error) {
    fail(
      `the ${isPng ? "PNG" : "JPEG"} data is damaged or unsupported (${(error as Error).message})`,
    );
  }
  if (width * height > most) {
    fail(`${width}×${height} pixels is ${pastLimit("picturePixels", width * height)}`);
  }
  if (width < 1 || height < 1) fail(`the image is ${width}×${height} pixels`);
  return greyFromRgba(rgba, width, height);
}

/**
 * Reads a PNG or JPEG file as a grey image.
 *
 * @throws Error naming the file when it is missing, not a regular file, larger than the
 *   `pictureBytes` limit, unreadable or not an image
 */
export async function readImageFile(path: string): Promise<GreyImage> {
  return decodeImage(await readCapped(path, "pictureBytes"), `'${path}'`);
}
