/**
 * Where one network's arrays live in the WebAssembly memory of the fast kernels, and the header
 * (the `Net` struct of `c/mlp.c`) that tells the kernels. Each header field is found through the
 * module's own `offset_<field>()` exports, so the C struct can change without this file
 * hard-coding its positions.
 *
 * @module
 */

import type { Matrix } from "../nn/matrix.ts";
import type { ActivationName } from "../nn/activations.ts";

/** The most weight layers and threads the kernels are compiled for (`MAX_LAYERS`, `MAX_THREADS`). */
export const MAX_LAYERS = 7;
export const MAX_THREADS = 4;
const PAGE = 65536;
const STACK_BYTES = 256 * 1024;
/** The activations the kernels compute, by their code in `c/mlp.c`. */
export const HIDDEN_CODES: Partial<Record<ActivationName, number>> = {
  sigmoid: 0,
  relu: 1,
  tanh: 2,
};

/** The byte offsets of the arrays the TypeScript side reads and writes. */
export interface Layout {
  net: number;
  weights: number[];
  biases: number[];
  velocityW: number[];
  velocityB: number[];
  /** Second moments, or 0 when the rule has none. */
  squareW: number[];
  squareB: number[];
  activations: number[];
  labels: number;
  indices: number;
  /** Where each worker thread's stack ends (stacks grow down). */
  stackTops: number[];
}

/** What the layout is made for. */
export interface LayoutRequest {
  sizes: number[];
  hidden: ActivationName;
  capacity: number;
  threads: number;
  /** Training images, indexed once as lists of their non-zero inputs. */
  images?: Matrix;
  /** Whether the update rule keeps second moments (RMSProp, Adam, AdamW). */
  secondMoments?: boolean;
}

/**
 * Allocates every array of one network in `memory` (growing it), fills in the header, and
 * indexes the training images' non-zero inputs.
 *
 * @returns the offsets the engine needs afterwards
 */
export function layOut(
  memory: WebAssembly.Memory,
  exports: WebAssembly.Exports,
  request: LayoutRequest,
): Layout {
  const { sizes, capacity, threads, images } = request;
  const L = sizes.length - 1, n0 = sizes[0];
  // A bump allocator, 16-byte aligned for SIMD loads.
  let next = Number((exports.__heap_base as WebAssembly.Global).value);
  const allocate = (bytes: number) => {
    next = Math.ceil(next / 16) * 16;
    const at = next;
    next += Math.max(bytes, 16);
    return at;
  };
  const floats = (count: number) => allocate(count * 4);
  const perLayer = (size: (l: number) => number) => Array.from({ length: L }, (_, l) => size(l));
  const perThread = (size: number) =>
    Array.from({ length: MAX_THREADS }, (_, t) => t < threads ? floats(size) : 0);

  const net = allocate((exports.net_size as () => number)());
  const layout: Layout = {
    net,
    weights: perLayer((l) => floats(sizes[l] * sizes[l + 1])),
    biases: perLayer((l) => floats(sizes[l + 1])),
    velocityW: perLayer((l) => floats(sizes[l] * sizes[l + 1])),
    velocityB: perLayer((l) => floats(sizes[l + 1])),
    squareW: perLayer((l) => request.secondMoments ? floats(sizes[l] * sizes[l + 1]) : 0),
    squareB: perLayer((l) => request.secondMoments ? floats(sizes[l + 1]) : 0),
    activations: sizes.map((size) => floats(capacity * size)),
    labels: allocate(capacity),
    indices: floats(capacity),
    stackTops: Array.from({ length: threads - 1 }, () => allocate(STACK_BYTES) + STACK_BYTES),
  };
  // About 150 of MNIST's 784 pixels per image are not zero: the training rows are listed once as
  // (column, value) pairs, and a batch then only points at its rows.
  let nonZero = 0;
  if (images) { for (const v of images.data) if (v !== 0) nonZero++; }
  const fields: Record<string, number | number[]> = {
    layers: L,
    hidden: HIDDEN_CODES[request.hidden] ?? -1,
    capacity,
    sizes,
    threads,
    weights: layout.weights,
    biases: layout.biases,
    velocityW: layout.velocityW,
    velocityB: layout.velocityB,
    squareW: layout.squareW,
    squareB: layout.squareB,
    activations: layout.activations,
    deltas: [0, ...sizes.slice(1).map((size) => floats(capacity * size))],
    transposed: perLayer((l) => l > 0 ? floats(sizes[l] * sizes[l + 1]) : 0),
    zeros: floats(Math.max(...sizes)),
    indices: layout.indices,
    labels: layout.labels,
    rowCount: floats(capacity),
    rowIndex: floats(capacity * n0),
    rowValue: floats(capacity * n0),
    colStart: perThread(n0 + 1),
    colRow: perThread(capacity * n0 + 2 * capacity),
    colValue: perThread(capacity * n0),
    rowIndexOf: floats(capacity),
    rowValueOf: floats(capacity),
    dataStart: images ? floats(images.rows + 1) : 0,
    dataIndex: images ? floats(nonZero) : 0,
    dataValue: images ? floats(nonZero) : 0,
  };
  const needed = Math.ceil(next / PAGE) - memory.buffer.byteLength / PAGE;
  if (needed > 0) memory.grow(needed);

  const header = new Int32Array(memory.buffer, net, (exports.net_size as () => number)() / 4);
  for (const [name, value] of Object.entries(fields)) {
    const at = (exports[`offset_${name}`] as () => number)() / 4;
    if (Array.isArray(value)) value.forEach((v, i) => (header[at + i] = v));
    else header[at] = value;
  }
  if (images) {
    const at = [fields.dataStart, fields.dataIndex, fields.dataValue] as number[];
    indexNonZero(memory, images, at, nonZero);
  }
  return layout;
}

/** Lists each image's non-zero inputs: where its list starts, their columns and their values. */
function indexNonZero(
  memory: WebAssembly.Memory,
  images: Matrix,
  [startsAt, columnsAt, valuesAt]: number[],
  nonZero: number,
) {
  const starts = new Int32Array(memory.buffer, startsAt, images.rows + 1);
  const columns = new Int32Array(memory.buffer, columnsAt, nonZero);
  const values = new Float32Array(memory.buffer, valuesAt, nonZero);
  const source = images.data, n = images.cols;
  let count = 0;
  for (let r = 0; r < images.rows; r++) {
    starts[r] = count;
    for (let j = 0, at = r * n; j < n; j++) {
      const v = source[at + j];
      if (v !== 0) {
        columns[count] = j;
        values[count++] = v;
      }
    }
  }
  starts[images.rows] = count;
}
