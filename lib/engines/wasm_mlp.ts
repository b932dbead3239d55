/**
 * A multi-layer perceptron living in WebAssembly memory, stepped by the SIMD kernels of
 * `c/mlp.c` on one or more threads: the parameters, velocities and batch buffers laid out by
 * `wasm_layout.ts`, and Web Workers that run their share of every batch. Numerically the same
 * algorithm as the reference engine, within Float32 tolerance (`tests/engines_test.ts`).
 *
 * @module
 */

import type { Matrix } from "../nn/matrix.ts";
import type { Network } from "../nn/mlp.ts";
import { MLP_WASM_BASE64 } from "./c/mlp_wasm.ts";
import { type Layout, layOut, MAX_LAYERS, MAX_THREADS } from "./wasm_layout.ts";

interface Kernels {
  run_batch(net: number, mode: number, rows: number): void;
  stop_workers(net: number): void;
  refresh_transposed(net: number): void;
  offset_go(): number;
  offset_learningRate(): number;
}

/** The WebAssembly module, compiled once per process. */
let compiled: WebAssembly.Module | undefined;

/**
 * The thread count the fast engines use by default: every core, up to four.
 *
 * @returns the number of threads, from 1 to 4
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, navigator.hardwareConcurrency || 1));
}

/** How one step updates the parameters: v ← μv − η(∇ + λW); W ← W + v (μ = 0: plain descent). */
export interface FusedUpdate {
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

/**
 * A network in WebAssembly memory. Create it with {@linkcode FastMlp.create} and `close()` it
 * when done, which stops its worker threads.
 */
export class FastMlp {
  readonly threads: number;
  readonly #kernels: Kernels;
  readonly #memory: WebAssembly.Memory;
  readonly #layout: Layout;
  readonly #workers: Worker[];
  readonly #indices: Uint32Array;
  readonly #labels: Uint8Array;
  readonly #rates: Float32Array;

  private constructor(
    readonly sizes: number[],
    readonly capacity: number,
    memory: WebAssembly.Memory,
    kernels: Kernels,
    layout: Layout,
    workers: Worker[],
  ) {
    this.#memory = memory;
    this.#kernels = kernels;
    this.#layout = layout;
    this.#workers = workers;
    this.threads = workers.length + 1;
    // Views made once: the memory never grows after creation.
    this.#indices = new Uint32Array(memory.buffer, layout.indices, capacity);
    this.#labels = new Uint8Array(memory.buffer, layout.labels, capacity);
    this.#rates = new Float32Array(memory.buffer, layout.net + kernels.offset_learningRate(), 3);
  }

  /**
   * @param network the parameters to start from (copied in)
   * @param capacity the most rows in a batch
   * @param options `images`: the training images, indexed once by their non-zero inputs;
   *   `threads` (default {@linkcode defaultThreads})
   * @returns the engine, with its worker threads started
   */
  static async create(
    network: Network,
    capacity: number,
    options: { images?: Matrix; threads?: number } = {},
  ): Promise<FastMlp> {
    const layers = network.sizes.length - 1;
    if (layers > MAX_LAYERS) {
      throw new RangeError(
        `Cannot use the WebAssembly engine: at most ${MAX_LAYERS} layers, found ${layers}`,
      );
    }
    const threads = options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new RangeError(
        `Cannot use the WebAssembly engine: expected threads to be an integer from 1 to ${MAX_THREADS}, found ${threads}`,
      );
    }
    compiled ??= new WebAssembly.Module(Uint8Array.fromBase64(MLP_WASM_BASE64));
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
    const kernels = exports as unknown as Kernels;
    const layout = layOut(memory, exports, {
      sizes: network.sizes,
      hidden: network.hidden,
      capacity,
      threads,
      images: options.images,
    });
    const go = Atomics.load(new Int32Array(memory.buffer, layout.net + kernels.offset_go(), 1), 0);
    const workers = await Promise.all(
      layout.stackTops.map((stackTop, i) => startWorker(memory, layout.net, i + 1, stackTop, go)),
    );
    const engine = new FastMlp([...network.sizes], capacity, memory, kernels, layout, workers);
    engine.load(network);
    return engine;
  }

  #f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.#memory.buffer, offset, length);
  }

  /** Stops the worker threads. The engine cannot be used afterwards. */
  close(): void {
    if (this.#workers.length) this.#kernels.stop_workers(this.#layout.net);
    for (const worker of this.#workers) worker.terminate();
    this.#workers.length = 0;
  }

  /** Copies a network's parameters in, and clears the velocities. */
  load(network: Network): void {
    network.weights.forEach((w, l) => {
      this.#f32(this.#layout.weights[l], w.data.length).set(w.data);
      this.#f32(this.#layout.velocityW[l], w.data.length).fill(0);
      this.#f32(this.#layout.biases[l], network.biases[l].length).set(network.biases[l]);
      this.#f32(this.#layout.velocityB[l], network.biases[l].length).fill(0);
    });
    this.#kernels.refresh_transposed(this.#layout.net);
  }

  /** Copies the parameters out into `network` (of the same sizes). */
  store(network: Network): void {
    network.weights.forEach((w, l) => {
      w.data.set(this.#f32(this.#layout.weights[l], w.data.length));
      network.biases[l].set(this.#f32(this.#layout.biases[l], network.biases[l].length));
    });
  }

  /** The softmax output of the last batch, rows × classes: a view, overwritten by the next. */
  output(rows: number): Matrix {
    const classes = this.sizes.at(-1)!;
    return {
      rows,
      cols: classes,
      data: this.#f32(this.#layout.activations.at(-1)!, rows * classes),
    };
  }

  /**
   * One step on the training rows `indices` (of the images given at creation), with the update
   * fused into the backward pass.
   *
   * @returns the batch's softmax output, computed before the step
   */
  trainBatch(indices: Uint32Array, labels: Uint8Array, update: FusedUpdate): Matrix {
    const rows = indices.length;
    this.#indices.set(indices);
    this.#labels.set(labels.subarray(0, rows));
    this.#rates.set([update.learningRate, update.momentum, update.weightDecay]);
    this.#kernels.run_batch(this.#layout.net, 2, rows);
    return this.output(rows);
  }

  /**
   * One step on the rows of `x` (at most `capacity`), such as augmented images: they are indexed
   * by their non-zero inputs as they arrive.
   *
   * @returns the batch's softmax output, computed before the step
   */
  trainRows(x: Matrix, labels: Uint8Array, update: FusedUpdate): Matrix {
    this.#f32(this.#layout.activations[0], x.rows * x.cols).set(
      x.data.subarray(0, x.rows * x.cols),
    );
    this.#labels.set(labels.subarray(0, x.rows));
    this.#rates.set([update.learningRate, update.momentum, update.weightDecay]);
    this.#kernels.run_batch(this.#layout.net, 3, x.rows);
    return this.output(x.rows);
  }

  /** @returns the softmax outputs for every row of `images`, `capacity` rows at a time */
  predict(images: Matrix): Matrix {
    const classes = this.sizes.at(-1)!, n0 = this.sizes[0];
    const out = new Float32Array(images.rows * classes);
    for (let start = 0; start < images.rows; start += this.capacity) {
      const rows = Math.min(this.capacity, images.rows - start);
      this.#f32(this.#layout.activations[0], rows * n0)
        .set(images.data.subarray(start * n0, (start + rows) * n0));
      this.#kernels.run_batch(this.#layout.net, 1, rows);
      out.set(this.output(rows).data, start * classes);
    }
    return { rows: images.rows, cols: classes, data: out };
  }
}

/** Starts one worker thread on the shared memory; resolves once it is ready. */
function startWorker(
  memory: WebAssembly.Memory,
  net: number,
  thread: number,
  stackTop: number,
  seen: number,
): Promise<Worker> {
  return new Promise<Worker>((resolve, reject) => {
    const worker = new Worker(new URL("./wasm_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = () => resolve(worker);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`A WebAssembly worker thread failed to start: ${event.message}`));
    };
    worker.postMessage({ memory, net, thread, stackTop, seen });
  });
}
