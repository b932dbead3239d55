/**
 * Writes IDX bytes, the inverse of `decodeIdx`: the tests build their fixtures with it.
 *
 * @module
 */

import { IDX_TYPES, type IdxArray } from "../lib/mod.ts";

/**
 * Encodes an array as IDX bytes: the inverse of {@linkcode decodeIdx}, the tests' fixtures.
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
