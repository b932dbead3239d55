/**
 * A picture's size is read from its header and checked before it is decoded: a 69-byte PNG that
 * declares 50000 × 50000 pixels, or a JPEG that declares 65535 × 65535, is refused at once.
 */
import { Buffer } from "node:buffer";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { declaredSize, pictureKind } from "../lib/data/image_header.ts";
import { decodeImage } from "../lib/data/image_file.ts";

function smallPng(width = 3, height = 2): Uint8Array {
  const png = new PNG({ width, height });
  png.data.fill(200);
  return new Uint8Array(PNG.sync.write(png));
}

function smallJpeg(width = 5, height = 4): Uint8Array {
  const data = Buffer.alloc(width * height * 4, 128);
  return new Uint8Array(jpeg.encode({ data, width, height }, 90).data);
}

/** A copy of `bytes` with a big-endian number of `size` bytes written at `at`. */
function patched(bytes: Uint8Array, at: number, value: number, size: 2 | 4): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (size === 4) view.setUint32(at, value);
  else view.setUint16(at, value);
  return out;
}

Deno.test("declaredSize() reads a PNG's and a JPEG's width and height from their headers", () => {
  assertEquals(pictureKind(smallPng()), "PNG");
  assertEquals(declaredSize(smallPng(), "PNG"), { width: 3, height: 2 });
  assertEquals(pictureKind(smallJpeg()), "JPEG");
  assertEquals(declaredSize(smallJpeg(), "JPEG"), { width: 5, height: 4 });
  assertThrows(
    () => declaredSize(smallPng().subarray(0, 20), "PNG"),
    SyntaxError,
    "expected an IHDR chunk",
  );
  assertThrows(
    () => declaredSize(smallJpeg().subarray(0, 30), "JPEG"),
    SyntaxError,
    "expected a JPEG frame header (SOF) giving its size, found none",
  );
});

Deno.test("decodeImage() refuses a picture whose header declares too many pixels, before decoding", () => {
  // The PNG's IHDR says 50000 × 50000 (its checksum no longer matches: the size is read first).
  const png = patched(patched(smallPng(), 16, 50000, 4), 20, 50000, 4);
  assert(png.length < 100, `${png.length} bytes`);
  const jpegAt = smallJpeg().findIndex((b, i, a) => b === 0xff && a[i + 1] === 0xc0);
  const jpg = patched(patched(smallJpeg(), jpegAt + 5, 65535, 2), jpegAt + 7, 65535, 2);
  const cases: [Uint8Array, string][] = [
    [
      png,
      "its header declares 50000×50000 pixels: 2,500,000,000, more than the limit of 40,000,000 (set MNIST_MAX_PICTURE_PIXELS to raise it)",
    ],
    [jpg, "its header declares 65535×65535 pixels: 4,294,836,225, more than the limit"],
  ];
  for (const [bytes, message] of cases) {
    const started = performance.now();
    assertThrows(() => decodeImage(bytes, "'big'"), Error, `Cannot read 'big': ${message}`);
    assert(performance.now() - started < 100, "refused before decoding");
  }
});
