/**
 * The IDX file format of MNIST: a 4-byte magic number (two zero bytes, a type code and the number
 * of dimensions), one big-endian 32-bit size per dimension, then the elements, big-endian, row-major.
 *
 * The reader checks everything the header claims against the bytes it was given before it
 * allocates, so a damaged header cannot make it ask for gigabytes.
 *
 * @module
 */

import { limitOf, pastLimit } from "./limits.ts";
import { readCapped } from "./read_capped.ts";

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

/**
 * True when `bytes` start with the gzip magic bytes 1f 8b.
 *
 * @returns true for gzip bytes
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Compressed bytes fed to the inflater at a time: each piece inflates to at most about 16 MiB. */
const GZIP_PIECE = 16 * 1024;

/**
 * Decompresses gzip bytes holding an IDX file; other bytes are returned as they are. The stream is
 * fed to the inflater in pieces of 16 KiB, so no one output chunk is large; the IDX header is
 * checked as soon as its bytes arrive (its size against the `idxBytes` limit), the output is
 * allocated once at the size it declares, and inflation stops with an error as soon as it would
 * pass it, so a small file that inflates to gigabytes never takes more memory than its header
 * claims.
 *
 * @param bytes raw or gzipped bytes
 * @param source the file or address the bytes came from, for the error message
 * @returns the decompressed bytes
 */
export async function gunzipIfNeeded(bytes: Uint8Array, source = "input"): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  let fed = 0;
  const pieces = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (fed >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(fed, fed += GZIP_PIECE));
    },
  });
  const reader = pieces.pipeThrough(new DecompressionStream("gzip")).getReader();
  const start: Uint8Array[] = []; // the chunks before the header is complete
  let length = 0;
  let header: IdxHeader | undefined, out: Uint8Array | undefined;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const chunk = next.value;
      if (!out) {
        start.push(chunk);
        length += chunk.length;
        header = readHeader(
          start.length === 1 ? chunk : concat(start, Math.min(length, 1024)),
          source,
        );
        if (!header) continue;
        if (header.fileLength > limitOf("idxBytes")) {
          fail(
            source,
            `an IDX file within the limit (dimensions ${header.dims.join("×")})`,
            pastLimit("idxBytes", header.fileLength),
          );
        }
        if (length > header.fileLength) tooLong(source, header);
        out = new Uint8Array(header.fileLength);
        out.set(concat(start, length));
        start.length = 0;
        continue;
      }
      if (length + chunk.length > out.length) tooLong(source, header!);
      out.set(chunk, length);
      length += chunk.length;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof SyntaxError && error.message.startsWith("Cannot read IDX")) throw error;
    throw new SyntaxError(
      `Cannot decompress ${source}: expected a complete gzip stream, found damaged or truncated data (${
        (error as Error).message
      })`,
    );
  }
  // Short of the header's size: decodeIdx says so, naming what is missing.
  return out ? out.subarray(0, length) : concat(start, length);
}

function tooLong(source: string, header: IdxHeader): never {
  return fail(
    source,
    `${header.fileLength} bytes once inflated, as its header declares (dimensions ${
      header.dims.join("×")
    })`,
    "more: the gzip stream inflates past it",
  );
}

/** The first `length` bytes of some chunks, as one array. */
function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    if (at >= length) break;
    const part = chunk.subarray(0, length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
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
  const header = readHeader(bytes, source);
  if (!header) {
    const needed = bytes.length < 4
      ? "a 4-byte magic number"
      : `a header of ${4 + 4 * bytes[3]} bytes for ${bytes[3]} dimensions`;
    return fail(source, needed, `${bytes.length} bytes`);
  }
  const { type, dims, headerLength, count } = header;
  // Compared with the bytes at hand before anything is allocated: a header that claims 2^31
  // images fails here, not in the allocator.
  const payload = bytes.length - headerLength;
  if (payload !== count * IDX_SIZES[type]) {
    fail(
      source,
      `${count * IDX_SIZES[type]} bytes of ${type} data for dimensions ${dims.join("×")}`,
      `${payload} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { type, dims, data: readElements(view, headerLength, count, type) };
}

/** What an IDX header says: the element type, the dimensions, and the sizes they imply. */
interface IdxHeader {
  type: IdxTypeName;
  dims: number[];
  headerLength: number;
  /** Elements the dimensions hold. */
  count: number;
  /** Bytes of the whole file the header describes. */
  fileLength: number;
}

const IDX_SIZES = Object.fromEntries(
  Object.values(IDX_TYPES).map((t) => [t.name, t.size]),
) as Record<IdxTypeName, number>;

/**
 * Reads and checks the header at the start of `bytes`, or returns undefined when the bytes end
 * before it does (more may be on the way).
 */
function readHeader(bytes: Uint8Array, source: string): IdxHeader | undefined {
  if (bytes.length >= 2 && (bytes[0] !== 0 || bytes[1] !== 0)) {
    fail(
      source,
      "a magic number starting with two zero bytes",
      `${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  }
  if (bytes.length < 4) return undefined;
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (!type) {
    fail(source, "a type code of 08, 09, 0b, 0c, 0d or 0e", `type code ${hex(bytes[2])}`);
  }
  const rank = bytes[3];
  if (rank === 0) fail(source, "at least one dimension", "0 dimensions");
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((product, size) => product * size, 1);
  return {
    type: type.name,
    dims,
    headerLength,
    count,
    fileLength: headerLength + count * type.size,
  };
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
 * Reads IDX bytes that may be gzipped (detected by the gzip magic bytes).
 *
 * @param bytes raw or gzipped IDX bytes
 * @param source the file name, for error messages
 *
 * @returns the element type, the dimensions and the elements
 */
export async function readIdx(bytes: Uint8Array, source = "input"): Promise<IdxArray> {
  return decodeIdx(await gunzipIfNeeded(bytes, source), source);
}

/**
 * Reads an IDX file, raw or gzipped: a regular file within the `idxBytes` limit.
 *
 * @param path the file to read; every error message names it
 *
 * @returns the element type, the dimensions and the elements
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  const bytes = await readCapped(path, "idxBytes", `Cannot read IDX file '${path}'`);
  return readIdx(bytes, `file '${path}'`);
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, "0");
}
