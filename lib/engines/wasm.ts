/**
 * The fast path's engine: the network's parameters, momentum and batch buffers laid out in
 * WebAssembly memory, and the SIMD kernels of `mlp.c` that step them. Numerically the same
 * algorithm as the reference TypeScript (`lib/network.ts`, `lib/train.ts`), within Float32
 * tolerance; `tests/fast_test.ts` holds it to that.
 *
 * @module
 */

import type { ActivationName } from "../nn/activations.ts";
import type { Matrix } from "../nn/matrix.ts";
import type { Network } from "../nn/mlp.ts";
import { MLP_WASM_BASE64 } from "./c/mlp_wasm.ts";

const HIDDEN_CODES: Record<ActivationName, number> = { sigmoid: 0, relu: 1, tanh: 2 };
const MAX_LAYERS = 7;
const MAX_THREADS = 4;
const PAGE = 65536;

interface Exports {
  __heap_base: WebAssembly.Global;
  run_batch(net: number, mode: number, rows: number): void;
  stop_workers(net: number): void;
  offset_threads(): number;
  offset_learning_rate(): number;
  offset_indices(): number;
  offset_go(): number;
  offset_transposed(): number;
  offset_row_index_of(): number;
  refresh_transposed(net: number): void;
}

let compiled: WebAssembly.Module | undefined;
const STACK_BYTES = 256 * 1024;

/** The byte offsets of one network's arrays in the shared memory. */
interface Layout {
  net: number;
  weights: number[];
  biases: number[];
  velocityW: number[];
  velocityB: number[];
  activations: number[];
  labels: number;
  indices: number;
}

/** The thread count the fast path uses by default: every core, up to four. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

/**
 * A network living in WebAssembly memory, stepped by the SIMD kernels on one or more threads.
 * Create it with {@linkcode FastMlp.create} and `close()` it when done, which stops its workers.
 */
export class FastMlp {
  readonly #memory: WebAssembly.Memory;
  readonly #exports: Exports;
  readonly #layout: Layout;
  readonly #workers: Worker[];
  readonly sizes: number[];
  readonly capacity: number;
  readonly threads: number;
  // Views of the batch's inputs, made once: the memory never grows after creation.
  readonly #indices: Uint32Array;
  readonly #labels: Uint8Array;
  readonly #rates: Float32Array;

  private constructor(
    memory: WebAssembly.Memory,
    exports: Exports,
    layout: Layout,
    workers: Worker[],
    sizes: number[],
    capacity: number,
  ) {
    this.#memory = memory;
    this.#exports = exports;
    this.#layout = layout;
    this.#workers = workers;
    this.sizes = sizes;
    this.capacity = capacity;
    this.threads = workers.length + 1;
    this.#indices = new Uint32Array(memory.buffer, layout.indices, capacity);
    this.#labels = new Uint8Array(memory.buffer, layout.labels, capacity);
    this.#rates = new Float32Array(memory.buffer, layout.net + exports.offset_learning_rate(), 3);
  }

  /**
   * @param network the parameters to start from (copied in)
   * @param capacity the most rows in a batch
   * @param options `images`: the training images (rows of sizes[0]), indexed once as lists of
   *   their non-zero inputs; `threads`
   *   (default: {@linkcode defaultThreads})
   */
  static async create(
    network: Network,
    capacity: number,
    options: { images?: Matrix; threads?: number } = {},
  ): Promise<FastMlp> {
    const L = network.sizes.length - 1, sizes = [...network.sizes], n0 = sizes[0];
    if (L > MAX_LAYERS) {
      throw new RangeError(`Cannot use the fast kernels: at most ${MAX_LAYERS} layers, found ${L}`);
    }
    const threads = Math.max(
      1,
      Math.min(MAX_THREADS, Math.floor(options.threads ?? defaultThreads())),
    );
    compiled ??= new WebAssembly.Module(Uint8Array.fromBase64(MLP_WASM_BASE64));
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
    const exports = new WebAssembly.Instance(compiled, { env: { memory } })
      .exports as unknown as Exports;

    // A bump allocator over the shared memory, 16-byte aligned for SIMD loads.
    let next = Number(exports.__heap_base.value);
    const allocate = (bytes: number) => {
      next = Math.ceil(next / 16) * 16;
      const at = next;
      next += Math.max(bytes, 16);
      return at;
    };
    const layout: Layout = {
      net: allocate(128 * 4),
      weights: [],
      biases: [],
      velocityW: [],
      velocityB: [],
      activations: [],
      labels: allocate(capacity),
      indices: allocate(capacity * 4),
    };
    for (let l = 0; l < L; l++) {
      layout.weights.push(allocate(sizes[l] * sizes[l + 1] * 4));
      layout.biases.push(allocate(sizes[l + 1] * 4));
      layout.velocityW.push(allocate(sizes[l] * sizes[l + 1] * 4));
      layout.velocityB.push(allocate(sizes[l + 1] * 4));
    }
    const transposed = Array.from(
      { length: L },
      (_, l) => (l > 0 ? allocate(sizes[l] * sizes[l + 1] * 4) : 0),
    );
    const zeros = allocate(Math.max(...sizes) * 4);
    const deltas: number[] = [0];
    for (let l = 0; l <= L; l++) {
      layout.activations.push(allocate(capacity * sizes[l] * 4));
      if (l > 0) deltas.push(allocate(capacity * sizes[l] * 4));
    }
    const rowCount = allocate(capacity * 4), rowIndex = allocate(capacity * n0 * 4);
    const rowValue = allocate(capacity * n0 * 4);
    const colStart: number[] = [], colRow: number[] = [], colValue: number[] = [];
    for (let t = 0; t < MAX_THREADS; t++) {
      colStart.push(t < threads ? allocate((n0 + 1) * 4) : 0);
      colRow.push(t < threads ? allocate((capacity * n0 + 2 * capacity) * 4) : 0);
      colValue.push(t < threads ? allocate(capacity * n0 * 4) : 0);
    }
    const stacks = Array.from({ length: threads - 1 }, () => allocate(STACK_BYTES) + STACK_BYTES);
    const rowIndexOf = allocate(capacity * 4), rowValueOf = allocate(capacity * 4);
    // The training rows as lists of their non-zero inputs (column, value), made once: a batch then
    // only points at its rows. About 150 of MNIST's 784 pixels per image are not zero.
    const images = options.images;
    let nonZero = 0;
    if (images) {
      for (let i = 0; i < images.data.length; i++) {
        if (images.data[i] !== 0) nonZero++;
      }
    }
    const dataStart = images ? allocate((images.rows + 1) * 4) : 0;
    const dataIndex = images ? allocate(nonZero * 4) : 0,
      dataValue = images ? allocate(nonZero * 4) : 0;
    const needed = Math.ceil(next / PAGE) - memory.buffer.byteLength / PAGE;
    if (needed > 0) memory.grow(needed);

    // The header: the Net struct of mlp.c, field by field.
    const header = new Int32Array(memory.buffer, layout.net, 128);
    const at = (byteOffset: number) => byteOffset / 4;
    // The fields before `threads` are written by position below; the rest through offsets.
    if (exports.offset_threads() !== 69 * 4) {
      throw new Error(
        "The fast kernels' Net layout changed: update lib/fast/fast_mlp.ts to match mlp.c",
      );
    }
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
    field(55, [rowCount, rowIndex, ...colStart, ...colRow, ...colValue]);
    header[at(exports.offset_threads())] = threads;
    header[at(exports.offset_indices())] = layout.indices;
    header[at(exports.offset_indices()) + 1] = layout.labels;
    field(at(exports.offset_transposed()), transposed);
    header[at(exports.offset_transposed()) + MAX_LAYERS] = zeros;
    header[at(exports.offset_transposed()) + MAX_LAYERS + 1] = rowValue;
    field(at(exports.offset_row_index_of()), [
      rowIndexOf,
      rowValueOf,
      dataStart,
      dataIndex,
      dataValue,
    ]);
    if (images) {
      const starts = new Int32Array(memory.buffer, dataStart, images.rows + 1);
      const columns = new Int32Array(memory.buffer, dataIndex, nonZero);
      const values = new Float32Array(memory.buffer, dataValue, nonZero);
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

    const workers = await Promise.all(
      stacks.map((stackTop, i) =>
        new Promise<Worker>((resolve, reject) => {
          const worker = new Worker(new URL("./wasm_worker.ts", import.meta.url), {
            type: "module",
          });
          worker.onmessage = () => resolve(worker);
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error(`A fast-path worker failed to start: ${event.message}`));
          };
          worker.postMessage({
            memory,
            net: layout.net,
            thread: i + 1,
            stackTop,
            seen: Atomics.load(header, at(exports.offset_go())),
          });
        })
      ),
    );
    const engine = new FastMlp(memory, exports, layout, workers, sizes, capacity);
    engine.load(network);
    return engine;
  }

  #f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.#memory.buffer, offset, length);
  }

  /** Stops the worker threads. The engine cannot be used afterwards. */
  close(): void {
    if (this.#workers.length) this.#exports.stop_workers(this.#layout.net);
    for (const worker of this.#workers) worker.terminate();
    this.#workers.length = 0;
  }

  /** Copies a network's parameters in, and clears the momentum. */
  load(network: Network): void {
    network.weights.forEach((w, l) => {
      this.#f32(this.#layout.weights[l], w.data.length).set(w.data);
      this.#f32(this.#layout.velocityW[l], w.data.length).fill(0);
      this.#f32(this.#layout.biases[l], network.biases[l].length).set(network.biases[l]);
      this.#f32(this.#layout.velocityB[l], network.biases[l].length).fill(0);
    });
    this.#exports.refresh_transposed(this.#layout.net);
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
   * One momentum step on the training rows `indices` (of the images given at creation).
   * Returns the batch's softmax output, computed before the step.
   */
  trainBatch(
    indices: Uint32Array,
    labels: Uint8Array,
    options: { learningRate: number; momentum: number; weightDecay: number },
  ): Matrix {
    const rows = indices.length;
    this.#indices.set(indices);
    this.#labels.set(labels.subarray(0, rows));
    this.#rates[0] = options.learningRate;
    this.#rates[1] = options.momentum;
    this.#rates[2] = options.weightDecay;
    this.#exports.run_batch(this.#layout.net, 2, rows);
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
      this.#exports.run_batch(this.#layout.net, 1, rows);
      out.data.set(this.output(rows).data, start * classes);
    }
    return out;
  }
}
