/**
 * Where one network's arrays live in the WebAssembly memory of the fast kernels, and the header
 * (the `Net` struct of `c/net.c`) that tells the kernels. Each header field is found by name
 * through the build's own constants (`net.<field>`, `kernel_constants.ts`), so the C struct can
 * change without this file hard-coding its positions.
 *
 * @module
 */

import type { Matrix } from "../nn/matrix.ts";
import type { ActivationName } from "../nn/activations.ts";
import { KERNEL, type KernelConstants, type NetField } from "./kernel_constants.ts";

/** The most weight layers the kernels are compiled for (`MAX_LAYERS` in `c/net.c`). */
export const MAX_LAYERS = KERNEL.limit.maxLayers;
/** The most threads the kernels are compiled for (`MAX_THREADS` in `c/net.c`). */
export const MAX_THREADS = KERNEL.limit.maxThreads;
const PAGE = 65536;
/**
 * The most bytes one network's kernel memory may take: the kernels' programs and loops hold
 * offsets and indices as 32-bit ints, so past 2 GiB they would wrap and write anywhere.
 */
export const MAX_KERNEL_BYTES = 2 ** 31 - PAGE;

/**
 * Throws when a layout of `bytes` would not fit the kernels' 32-bit offsets.
 *
 * @throws RangeError naming the size, the limit and the settings that change it
 */
export function checkKernelBytes(bytes: number, engine: string): void {
  if (bytes > MAX_KERNEL_BYTES) {
    const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
    throw new RangeError(
      `Cannot lay the network out in the ${engine} engine's memory: it needs ${
        gib(bytes)
      }, more than the ${
        gib(MAX_KERNEL_BYTES)
      } its 32-bit offsets reach; lower batchSize, hiddenSizes or the layers' sizes, or use --engine reference`,
    );
  }
}
const STACK_BYTES = 256 * 1024;
/** The activations the kernels compute, by their code in `c/net.c`. */
export const HIDDEN_CODES: Partial<Record<ActivationName, number>> = KERNEL.activation;

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

/**
 * Where the kernels' memory is: WebAssembly's linear memory, or a native block. Offsets count
 * from its start; a pointer stored in the header is `base` + offset (`base` is 0 in WebAssembly).
 */
export interface KernelMemory {
  /** The first offset free for arrays. */
  start: number;
  /** 4 in WebAssembly, 8 natively. */
  pointerSize: number;
  /** Whether worker threads need stacks in this memory (WebAssembly's do; native threads not). */
  workerStacks: boolean;
  /** The engine's name, for errors: "WebAssembly", "native". */
  name: string;
  /** Makes room for `bytes` from offset 0; returns the memory's buffer and its address. */
  reserve(bytes: number): { buffer: ArrayBuffer | SharedArrayBuffer; base: bigint };
}

/** The header fields that hold numbers; every other field holds pointers. */
const NUMBER_FIELDS = new Set(["layers", "hidden", "capacity", "sizes", "threads"]);

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
 * Hands out offsets in kernel memory from `start`, one array after another, each 64-byte aligned
 * for the widest vector loads; `end()` is where the last one ends.
 *
 * @returns the allocator: `allocate(bytes)`, `floats(count)`, `end()`
 */
export function bumpAllocator(start: number) {
  let next = start;
  const allocate = (bytes: number) => {
    next = Math.ceil(next / 64) * 64;
    const at = next;
    next += Math.max(bytes, 16);
    return at;
  };
  return { allocate, floats: (count: number) => allocate(count * 4), end: () => next };
}

/**
 * Allocates every array of one network in `memory` (growing it), fills in the header, and
 * indexes the training images' non-zero inputs.
 *
 * @returns the offsets the engine needs afterwards
 */
export function layOut(
  memory: KernelMemory,
  header: KernelConstants["net"],
  request: LayoutRequest,
): Layout & { buffer: ArrayBuffer | SharedArrayBuffer; base: bigint } {
  const { sizes, capacity, threads, images } = request;
  const L = sizes.length - 1, n0 = sizes[0];
  const { allocate, floats, end } = bumpAllocator(memory.start);
  const perLayer = (size: (l: number) => number) => Array.from({ length: L }, (_, l) => size(l));
  const perThread = (size: number) =>
    Array.from({ length: MAX_THREADS }, (_, t) => t < threads ? floats(size) : 0);

  const net = allocate(header.bytes);
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
    stackTops: memory.workerStacks
      ? Array.from({ length: threads - 1 }, () => allocate(STACK_BYTES) + STACK_BYTES)
      : [],
  };
  // About 150 of MNIST's 784 pixels per image are not zero: the training rows are listed once as
  // (column, value) pairs, and a batch then only points at its rows.
  // (An indexed loop: `for…of` over 47 million floats took a second.)
  let nonZero = 0;
  if (images) {
    const values = images.data;
    for (let i = 0; i < values.length; i++) nonZero += values[i] !== 0 ? 1 : 0;
  }
  const fields: Partial<Record<NetField, number | number[]>> = {
    layers: L,
    hidden: HIDDEN_CODES[request.hidden] ?? KERNEL.limit.noActivation,
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
    rowIndexOf: allocate(capacity * memory.pointerSize),
    rowValueOf: allocate(capacity * memory.pointerSize),
    dataStart: images ? floats(images.rows + 1) : 0,
    dataIndex: images ? floats(nonZero + 1) : 0,
    dataValue: images ? floats(nonZero + 1) : 0,
  };
  checkKernelBytes(end(), memory.name);
  const { buffer, base } = memory.reserve(end());
  const view = new DataView(buffer, net, header.bytes);
  for (const [name, value] of Object.entries(fields) as [NetField, number | number[]][]) {
    const at = header[name];
    (Array.isArray(value) ? value : [value]).forEach((v, i) => {
      if (NUMBER_FIELDS.has(name)) view.setInt32(at + 4 * i, v, true);
      else if (memory.pointerSize === 4) view.setUint32(at + 4 * i, v, true);
      // A pointer is the block's address plus the offset; offset 0 stays a null pointer.
      else view.setBigUint64(at + 8 * i, v ? base + BigInt(v) : 0n, true);
    });
  }
  if (images) {
    const at = [fields.dataStart, fields.dataIndex, fields.dataValue] as number[];
    indexNonZero(buffer, images, at, nonZero);
  }
  return { ...layout, buffer, base };
}

/**
 * WebAssembly's linear memory as kernel memory: grown in 64 KiB pages, offsets are addresses.
 *
 * @returns the kernel memory over the instance's linear memory
 */
export function wasmMemory(memory: WebAssembly.Memory, heapBase: number): KernelMemory {
  return {
    name: "WebAssembly",
    start: heapBase,
    pointerSize: 4,
    workerStacks: true,
    reserve(bytes) {
      const needed = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
      if (needed > 0) memory.grow(needed);
      return { buffer: memory.buffer, base: 0n };
    },
  };
}

/** Lists each image's non-zero inputs: where its list starts, their columns and their values. */
function indexNonZero(
  buffer: ArrayBuffer | SharedArrayBuffer,
  images: Matrix,
  [startsAt, columnsAt, valuesAt]: number[],
  nonZero: number,
) {
  const starts = new Int32Array(buffer, startsAt, images.rows + 1);
  const columns = new Int32Array(buffer, columnsAt, nonZero + 1);
  const values = new Float32Array(buffer, valuesAt, nonZero + 1);
  const source = images.data, n = images.cols;
  let count = 0;
  for (let r = 0; r < images.rows; r++) {
    starts[r] = count;
    // Written whether zero or not, kept only if not: a branch on the pixel guessed wrong 1 time in
    // 5, and this runs over every pixel of the training set. (The slot past the last is the
    // next image's first, or the spare one at the end.)
    for (let j = 0, at = r * n; j < n; j++) {
      const v = source[at + j];
      columns[count] = j;
      values[count] = v;
      count += v !== 0 ? 1 : 0;
    }
  }
  starts[images.rows] = count;
}
