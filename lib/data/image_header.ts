/**
 * A picture's width and height, read from its header before anything is decoded: a PNG's IHDR
 * chunk, or a JPEG's frame header (SOF). A 69-byte file can declare 50000 × 50000 pixels; the
 * size is checked against the limit before the decoder allocates for it.
 *
 * @module
 */

/** The kinds of picture this project reads, told apart by their first bytes. */
export type PictureKind = "PNG" | "JPEG";

/**
 * The kind of picture `bytes` hold, from their first bytes, or undefined for neither.
 *
 * @returns "PNG", "JPEG" or undefined
 */
export function pictureKind(bytes: Uint8Array): PictureKind | undefined {
  if (
    bytes.length >= 8 &&
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)
  ) {
    return "PNG";
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "JPEG";
  }
  return undefined;
}

/**
 * The width and height a PNG or JPEG header declares.
 *
 * @returns the declared size
 * @throws SyntaxError when the header is missing or cut short (the message says what was expected)
 */
export function declaredSize(
  bytes: Uint8Array,
  kind: PictureKind,
): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === "PNG") {
    // The signature (8 bytes), then IHDR: length (4), "IHDR" (4), width (4), height (4).
    const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
    if (bytes.length < 24 || ihdr !== "IHDR") {
      throw new SyntaxError("expected an IHDR chunk after the PNG signature, found none");
    }
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  // JPEG: markers FF xx, each but the standalone ones followed by a 2-byte length; the first
  // frame header (C0–CF but C4, C8 and CC) holds precision (1), height (2) and width (2).
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // a fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = view.getUint16(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      if (at + 9 > bytes.length) break;
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (marker === 0xda || marker === 0xd9 || length < 2) break; // image data: no frame header came first
    at += 2 + length;
  }
  throw new SyntaxError("expected a JPEG frame header (SOF) giving its size, found none");
}
