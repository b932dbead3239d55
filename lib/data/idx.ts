/**
 * The IDX file format of MNIST: a 4-byte magic number (two zero bytes, a type code and the number
 * of dimensions), one big-endian 32-bit size per dimension, then the elements, big-endian, row-major.
 *
 * The reader checks everything the header claims against the bytes it was given before it
 * allocates, so a damaged header cannot make it ask for gigabytes.
 *
 * @module
 */

/** The element types of the format, by their type code. */
export const IDX_TYPES = {
  0x08: { name: "ubyte", size: 1 },
  0x09: { name: "byte", size: 1 },
  0x0b: { name: "short", size: 2 },
  0x0c: { name: "int", size: 4 },
  0x0d: { name: "float", size: 4 },
  0x0e: { name: "double", size: 8 },
} as const;

/** The name of an IDX element type. */
export type IdxTypeName = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]["name"];

/** The typed array that holds each element type, in native byte order. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A decoded IDX array: its element type, its dimensions and its elements, row-major. */
export interface IdxArray {
  type: IdxTypeName;
  dims: number[];
  data: IdxData;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when `bytes` start with the gzip magic bytes 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Decompresses gzip bytes; other bytes are returned as they are.
 *
 * @param bytes raw or gzipped bytes
 * @param source the file or address the bytes came from, for the error message
 */
export async function gunzipIfNeeded(bytes: Uint8Array, source = "input"): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new SyntaxError(
      `Cannot decompress ${source}: expected a complete gzip stream, found damaged or truncated data (${
        (error as Error).message
      })`,
    );
  }
}

function fail(source: string, expected: string, found: string): never {
  throw new SyntaxError(`Cannot read IDX ${source}: expected ${expected}, found ${found}`);
}

/**
 * Decodes the bytes of an uncompressed IDX file.
 *
 * @param bytes the whole file
 * @param source the file name, for error messages
 * @returns the element type, the dimensions and the elements in native byte order
 * @example
 * ```ts
 * const labels = decodeIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 5, 0]));
 * // labels.dims is [2], labels.data is Uint8Array [5, 0]
 * ```
 */
export function decodeIdx(bytes: Uint8Array, source = "input"): IdxArray {
  if (bytes.length < 4) fail(source, "a 4-byte magic number", `${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(
      source,
      "a magic number starting with two zero bytes",
      `${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  }
  const code = bytes[2] as keyof typeof IDX_TYPES;
  const type = IDX_TYPES[code];
  if (!type) {
    fail(source, "a type code of 08, 09, 0b, 0c, 0d or 0e", `type code ${hex(bytes[2])}`);
  }
  const rank = bytes[3];
  if (rank === 0) fail(source, "at least one dimension", "0 dimensions");
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    fail(
      source,
      `a header of ${headerLength} bytes for ${rank} dimensions`,
      `${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  // Compared with the bytes at hand before anything is allocated: a header that claims 2^31
  // images fails here, not in the allocator.
  const count = dims.reduce((product, size) => product * size, 1);
  const payload = bytes.length - headerLength;
  if (payload !== count * type.size) {
    fail(
      source,
      `${count * type.size} bytes of ${type.name} data for dimensions ${dims.join("×")}`,
      `${payload} bytes`,
    );
  }
  return { type: type.name, dims, data: readElements(view, headerLength, count, type.name) };
}

function readElements(view: DataView, offset: number, count: number, type: IdxTypeName): IdxData {
  switch (type) {
    case "ubyte":
      return new Uint8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case "byte":
      return new Int8Array(
        view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count),
      );
    case "short": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case "int": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case "float": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case "double": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Encodes an array as IDX bytes: the inverse of {@linkcode decodeIdx}, used to write fixtures.
 *
 * @param array the element type, dimensions and elements (their count must fit the dimensions)
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const entry = Object.entries(IDX_TYPES).find(([, t]) => t.name === array.type);
  if (!entry) throw new TypeError(`Cannot encode IDX: unknown element type "${array.type}"`);
  const [code, { size }] = entry;
  const count = array.dims.reduce((product, d) => product * d, 1);
  if (count !== array.data.length) {
    throw new RangeError(
      `Cannot encode IDX: dimensions ${
        array.dims.join("×")
      } hold ${count} elements, found ${array.data.length}`,
    );
  }
  const headerLength = 4 + 4 * array.dims.length;
  const bytes = new Uint8Array(headerLength + count * size);
  const view = new DataView(bytes.buffer);
  bytes[2] = Number(code);
  bytes[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = headerLength + i * size;
    const value = array.data[i];
    switch (array.type) {
      case "ubyte":
        view.setUint8(at, value);
        break;
      case "byte":
        view.setInt8(at, value);
        break;
      case "short":
        view.setInt16(at, value, false);
        break;
      case "int":
        view.setInt32(at, value, false);
        break;
      case "float":
        view.setFloat32(at, value, false);
        break;
      case "double":
        view.setFloat64(at, value, false);
        break;
    }
  }
  return bytes;
}

/**
 * Reads IDX bytes that may be gzipped (detected by the gzip magic bytes).
 *
 * @param bytes raw or gzipped IDX bytes
 * @param source the file name, for error messages
 */
export async function readIdx(bytes: Uint8Array, source = "input"): Promise<IdxArray> {
  return decodeIdx(await gunzipIfNeeded(bytes, source), source);
}

/**
 * Reads an IDX file, raw or gzipped.
 *
 * @param path the file to read; every error message names it
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  return readIdx(await Deno.readFile(path), `file '${path}'`);
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, "0");
}
