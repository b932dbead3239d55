/**
 * The fast path's engine: the network's parameters, momentum and batch buffers laid out in
 * WebAssembly memory, and the SIMD kernels of `mlp.c` that step them. Numerically the same
 * algorithm as the reference TypeScript (`lib/network.ts`, `lib/train.ts`), within Float32
 * tolerance; `tests/fast_test.ts` holds it to that.
 *
 * @module
 */

import type { ActivationName } from "../activations.ts";
import type { Matrix } from "../matrix.ts";
import type { Network } from "../network.ts";
import { MLP_WASM_BASE64 } from "./mlp_wasm.ts";

const HIDDEN_CODES: Record<ActivationName, number> = { sigmoid: 0, relu: 1, tanh: 2 };
const MAX_LAYERS = 7;
const PAGE = 65536;

interface Exports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  gather(net: number, images: number, indices: number, rows: number): void;
  index_batch(net: number, rows: number): void;
  forward(net: number, rows: number): void;
  train_batch(net: number, labels: number, rows: number, lr: number, mu: number, wd: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** The byte offsets of one network's arrays in the module's memory. */
interface Layout {
  net: number;
  weights: number[];
  biases: number[];
  velocityW: number[];
  velocityB: number[];
  activations: number[];
  labels: number;
  indices: number;
  images: number;
}

/** A network living in WebAssembly memory, stepped by the SIMD kernels. */
export class FastMlp {
  readonly #exports: Exports;
  readonly #layout: Layout;
  readonly sizes: number[];
  readonly capacity: number;

  /**
   * @param network the parameters to start from (copied in)
   * @param capacity the most rows in a batch
   * @param images the training images, copied into the module once (rows of sizes[0]), if any
   */
  constructor(network: Network, capacity: number, images?: Matrix) {
    if (network.sizes.length - 1 > MAX_LAYERS) {
      throw new RangeError(
        `Cannot use the fast kernels: at most ${MAX_LAYERS} layers, found ${
          network.sizes.length - 1
        }`,
      );
    }
    compiled ??= new WebAssembly.Module(Uint8Array.fromBase64(MLP_WASM_BASE64));
    this.#exports = new WebAssembly.Instance(compiled, {}).exports as unknown as Exports;
    this.sizes = [...network.sizes];
    this.capacity = capacity;

    // A bump allocator over the module's memory, 16-byte aligned for SIMD loads.
    let next = Number(this.#exports.__heap_base.value);
    const allocate = (bytes: number) => {
      next = Math.ceil(next / 16) * 16;
      const at = next;
      next += Math.max(bytes, 16);
      return at;
    };
    const sizes = this.sizes, L = sizes.length - 1, n0 = sizes[0];
    const layout: Layout = {
      net: allocate(64 * 4),
      weights: [],
      biases: [],
      velocityW: [],
      velocityB: [],
      activations: [],
      labels: allocate(capacity),
      indices: allocate(capacity * 4),
      images: 0,
    };
    for (let l = 0; l < L; l++) {
      layout.weights.push(allocate(sizes[l] * sizes[l + 1] * 4));
      layout.biases.push(allocate(sizes[l + 1] * 4));
      layout.velocityW.push(allocate(sizes[l] * sizes[l + 1] * 4));
      layout.velocityB.push(allocate(sizes[l + 1] * 4));
    }
    const deltas: number[] = [0];
    for (let l = 0; l <= L; l++) {
      layout.activations.push(allocate(capacity * sizes[l] * 4));
      if (l > 0) deltas.push(allocate(capacity * sizes[l] * 4));
    }
    const csr = [
      allocate((capacity + 1) * 4),
      allocate(capacity * n0 * 4),
      allocate((n0 + 1) * 4),
      allocate(capacity * n0 * 4),
      allocate(capacity * n0 * 4),
    ];
    if (images) layout.images = allocate(images.data.length * 4);
    const memory = this.#exports.memory;
    const needed = Math.ceil(next / PAGE) - memory.buffer.byteLength / PAGE;
    if (needed > 0) memory.grow(needed);
    this.#layout = layout;

    const header = new Int32Array(memory.buffer, layout.net, 64);
    header[0] = L;
    header[1] = HIDDEN_CODES[network.hidden];
    header[2] = capacity;
    sizes.forEach((size, l) => (header[3 + l] = size));
    const field = (start: number, values: number[]) =>
      values.forEach((v, i) => (header[start + i] = v));
    field(11, layout.weights);
    field(18, layout.biases);
    field(25, layout.velocityW);
    field(32, layout.velocityB);
    field(39, layout.activations);
    field(47, deltas);
    field(55, csr);
    this.load(network);
    if (images) this.#f32(layout.images, images.data.length).set(images.data);
  }

  #f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.#exports.memory.buffer, offset, length);
  }

  /** Copies a network's parameters in, and clears the momentum. */
  load(network: Network): void {
    network.weights.forEach((w, l) => {
      this.#f32(this.#layout.weights[l], w.data.length).set(w.data);
      this.#f32(this.#layout.velocityW[l], w.data.length).fill(0);
      this.#f32(this.#layout.biases[l], network.biases[l].length).set(network.biases[l]);
      this.#f32(this.#layout.velocityB[l], network.biases[l].length).fill(0);
    });
  }

  /** Copies the parameters out into `network` (of the same sizes). */
  store(network: Network): void {
    network.weights.forEach((w, l) => {
      w.data.set(this.#f32(this.#layout.weights[l], w.data.length));
      network.biases[l].set(this.#f32(this.#layout.biases[l], network.biases[l].length));
    });
  }

  /** The softmax output of the last batch: rows × classes (a view, overwritten by the next batch). */
  output(rows: number): Matrix {
    const classes = this.sizes.at(-1)!;
    return {
      rows,
      cols: classes,
      data: this.#f32(this.#layout.activations.at(-1)!, rows * classes),
    };
  }

  /**
   * One momentum step on the training rows `indices` (of the images given at construction).
   * Returns the batch's softmax output, computed before the step.
   */
  trainBatch(
    indices: Uint32Array,
    labels: Uint8Array,
    options: { learningRate: number; momentum: number; weightDecay: number },
  ): Matrix {
    const rows = indices.length, layout = this.#layout;
    new Uint32Array(this.#exports.memory.buffer, layout.indices, rows).set(indices);
    new Uint8Array(this.#exports.memory.buffer, layout.labels, rows).set(labels.subarray(0, rows));
    this.#exports.gather(layout.net, layout.images, layout.indices, rows);
    this.#exports.train_batch(
      layout.net,
      layout.labels,
      rows,
      options.learningRate,
      options.momentum,
      options.weightDecay,
    );
    return this.output(rows);
  }

  /** Softmax outputs for every row of `images` (rows × classes), `capacity` rows at a time. */
  predict(images: Matrix): Matrix {
    const classes = this.sizes.at(-1)!, n0 = this.sizes[0];
    const out: Matrix = {
      rows: images.rows,
      cols: classes,
      data: new Float32Array(images.rows * classes),
    };
    for (let start = 0; start < images.rows; start += this.capacity) {
      const rows = Math.min(this.capacity, images.rows - start);
      this.#f32(this.#layout.activations[0], rows * n0).set(
        images.data.subarray(start * n0, (start + rows) * n0),
      );
      this.#exports.index_batch(this.#layout.net, rows);
      this.#exports.forward(this.#layout.net, rows);
      out.data.set(this.output(rows).data, start * classes);
    }
    return out;
  }
}
