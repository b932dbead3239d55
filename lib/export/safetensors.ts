/**
 * The safetensors format (Hugging Face's, which PyTorch's `safetensors.torch` reads and writes):
 * an 8-byte little-endian header length N, N bytes of JSON naming each tensor's dtype, shape and
 * byte range, then the tensors' bytes, back to back. No code runs when it is read, unlike a
 * pickled `.pt` file, and every size is declared before any is used — which is what lets the
 * reader here check each claim against the file's real length before it allocates anything.
 *
 *     [N: u64 LE] {"0.weight": {"dtype": "F32", "shape": [128, 784], "data_offsets": [0, 401408]},
 *                  …, "__metadata__": {"layers": "…"}} [bytes of 0.weight][bytes of 0.bias]…
 *
 * Only float32 tensors are written and read: the project's networks hold nothing else.
 *
 * @module
 */

import type { NamedTensor } from "./torch_layout.ts";

/** A safetensors file's tensors and the string-to-string metadata of its header. */
export interface Safetensors {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

/**
 * A safetensors file of float32 tensors, in the order given, with `metadata` in the header's
 * `__metadata__`. The header is padded with spaces to a multiple of 8 bytes, so each tensor
 * starts aligned.
 *
 * @returns the file's bytes
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "../mod.ts";
 * const tensor = { name: "w", shape: [2], data: new Float32Array([1, 2]) };
 * const bytes = encodeSafetensors({ tensors: [tensor], metadata: { note: "two" } });
 * decodeSafetensors(bytes).metadata.note; // "two"
 * ```
 */
export function encodeSafetensors(file: Safetensors): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(file.metadata).length) header.__metadata__ = file.metadata;
  let offset = 0;
  for (const { name, shape, data } of file.tensors) {
    header[name] = { dtype: "F32", shape, data_offsets: [offset, offset += data.length * 4] };
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(padded - json.length));
  }
  const bytes = new Uint8Array(8 + json.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  let at = 8 + json.length;
  for (const { data } of file.tensors) {
    for (let i = 0; i < data.length; i++, at += 4) view.setFloat32(at, data[i], true);
  }
  return bytes;
}

/** Whether `bytes` begin as a safetensors file does: a header length that fits, then `{`. */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length >= 2n && length <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/**
 * Reads a safetensors file, checking every claim its header makes against the file before using
 * it: the header's length, each tensor's dtype (F32 only), shape, and byte range (inside the data,
 * matching the shape, no overlaps, no gaps). Memory stays within the file's size: nothing is
 * allocated from a declared size until that size is known to be in the file.
 *
 * @param source the file's name, for error messages
 * @returns the tensors in the order of their bytes, and the metadata
 * @throws SyntaxError "Cannot read safetensors file <source>: …" saying what was expected and
 *   what was found
 */
export function decodeSafetensors(bytes: Uint8Array, source = "file"): Safetensors {
  const fail = (what: string): never => {
    throw new SyntaxError(`Cannot read safetensors file ${source}: ${what}`);
  };
  if (bytes.length < 8) {
    fail(`expected at least 8 bytes (the header's length), found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    fail(
      `the header claims ${declared} bytes but the file has only ${
        bytes.length - 8
      } after its length`,
    );
  }
  const headerLength = Number(declared);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    ));
  } catch {
    return fail(`expected a JSON header of ${headerLength} bytes, found text that is not JSON`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    fail(`expected the header to be a JSON object, found ${JSON.stringify(header)?.slice(0, 80)}`);
  }
  const { __metadata__: rawMetadata, ...entries } = header as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  if (rawMetadata !== undefined) {
    if (typeof rawMetadata !== "object" || rawMetadata === null || Array.isArray(rawMetadata)) {
      fail("expected __metadata__ to be an object of strings");
    }
    for (const [key, value] of Object.entries(rawMetadata as object)) {
      if (typeof value !== "string") {
        fail(`expected __metadata__.${key} to be a string, found ${JSON.stringify(value)}`);
      }
      metadata[key] = value;
    }
  }
  const dataStart = 8 + headerLength, dataLength = bytes.length - dataStart;
  const ranges = Object.entries(entries).map(([name, entry]) => {
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    if (dtype !== "F32") {
      fail(`tensor "${name}": expected dtype F32 (float32), found ${JSON.stringify(dtype)}`);
    }
    if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      fail(`tensor "${name}": expected a shape of whole numbers, found ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) || offsets.length !== 2 ||
      !offsets.every((n) => Number.isSafeInteger(n) && n >= 0) || offsets[0] > offsets[1]
    ) {
      fail(
        `tensor "${name}": expected data_offsets [begin, end], found ${JSON.stringify(offsets)}`,
      );
    }
    const [begin, end] = offsets as number[];
    if (end > dataLength) {
      fail(
        `tensor "${name}": its bytes ${begin}–${end} run past the end of the data (${dataLength} bytes)`,
      );
    }
    // Multiplied in floating point, a huge shape cannot wrap around to a small count.
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (count * 4 !== end - begin) {
      fail(
        `tensor "${name}": shape [${shape}] needs ${count * 4} bytes, found ${
          end - begin
        } (data_offsets ${begin}–${end})`,
      );
    }
    return { name, shape: shape as number[], begin, end };
  }).sort((a, b) => a.begin - b.begin);
  let covered = 0;
  for (const range of ranges) {
    if (range.begin !== covered) {
      fail(
        range.begin < covered
          ? `tensor "${range.name}" overlaps the tensor before it (bytes ${range.begin}–${range.end})`
          : `expected the data to be tensors back to back, found a gap at bytes ${covered}–${range.begin}`,
      );
    }
    covered = range.end;
  }
  if (covered !== dataLength) {
    fail(
      `expected the tensors to fill the ${dataLength} bytes of data, found ${
        dataLength - covered
      } bytes after the last`,
    );
  }
  const tensors = ranges.map(({ name, shape, begin, end }) => {
    const data = new Float32Array((end - begin) / 4);
    for (let i = 0; i < data.length; i++) {
      data[i] = view.getFloat32(dataStart + begin + 4 * i, true);
    }
    return { name, shape, data };
  });
  return { tensors, metadata };
}
