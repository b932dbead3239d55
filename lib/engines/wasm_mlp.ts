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
import { dropThreshold } from "../nn/dropout.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { MLP_WASM_BASE64 } from "./c/mlp_wasm.ts";
import { HIDDEN_CODES, type Layout, layOut, MAX_LAYERS, MAX_THREADS } from "./wasm_layout.ts";
import { defaultThreads, startWorker } from "./wasm_threads.ts";

export { defaultThreads };

interface Kernels {
  run_batch(net: number, mode: number, rows: number): void;
  stop_workers(net: number): void;
  refresh_transposed(net: number): void;
  offset_go(): number;
  offset_learningRate(): number;
  offset_optimizer(): number;
  offset_beta1(): number;
  offset_dropThreshold(): number;
  offset_dropKeep(): number;
  offset_dropSeed(): number;
}

/** The update rules' codes in `c/mlp.c`; plain descent is momentum with μ = 0. */
const RULE_CODES: Record<OptimizerName, number> = {
  sgd: 0,
  momentum: 0,
  nesterov: 1,
  rmsprop: 2,
  adam: 3,
  adamw: 4,
};

/** The WebAssembly module, compiled once per process. */
let compiled: WebAssembly.Module | undefined;

/**
 * How one step updates the parameters: the rule (momentum when none is named; μ = 0 is plain
 * descent) and its constants, as `lib/nn/optimizers.ts` defines them.
 */
export interface FusedUpdate {
  learningRate: number;
  momentum: number;
  weightDecay: number;
  optimizer?: OptimizerName;
  beta1?: number;
  beta2?: number;
  rho?: number;
  epsilon?: number;
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
  readonly #rule: Int32Array;
  readonly #betas: Float32Array;
  readonly #dropSeedStep: Uint32Array;
  /** Training steps taken: Adam's t, and a new dropout mask for each. */
  #step = 0;

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
    this.#rule = new Int32Array(memory.buffer, layout.net + kernels.offset_optimizer(), 1);
    this.#betas = new Float32Array(memory.buffer, layout.net + kernels.offset_beta1(), 5);
    this.#dropSeedStep = new Uint32Array(memory.buffer, layout.net + kernels.offset_dropSeed(), 2);
  }

  /** Sets the dropout of the hidden layers: rates[l] for activation layer l (rates[0] must be 0). */
  #setDropout(rates: number[], seed: number) {
    if ((rates[0] ?? 0) > 0) {
      throw new RangeError("Cannot use the WebAssembly engine: it has no dropout of the inputs");
    }
    const L = this.sizes.length;
    const at = (name: "offset_dropThreshold" | "offset_dropKeep") =>
      this.#layout.net + this.#kernels[name]();
    const thresholds = new Uint32Array(this.#memory.buffer, at("offset_dropThreshold"), L);
    const keeps = new Float32Array(this.#memory.buffer, at("offset_dropKeep"), L);
    for (let l = 1; l < L - 1; l++) {
      const rate = rates[l] ?? 0;
      thresholds[l] = dropThreshold(rate);
      keeps[l] = 1 / (1 - rate);
    }
    this.#dropSeedStep[0] = seed;
  }

  /** Writes one step's rule and constants into the header. */
  #setRule(update: FusedUpdate) {
    const t = ++this.#step, kind = RULE_CODES[update.optimizer ?? "momentum"];
    if (kind >= 2 && !this.#layout.squareW[0]) {
      throw new Error(
        `Cannot take a ${update.optimizer} step: the engine was made without second moments`,
      );
    }
    const { beta1 = 0.9, beta2 = 0.999, rho = 0.9, epsilon = 1e-8 } = update;
    this.#rule[0] = kind;
    this.#rates.set([update.learningRate, update.momentum, update.weightDecay]);
    this.#betas.set([beta1, kind === 2 ? rho : beta2, epsilon, 1 - beta1 ** t, 1 - beta2 ** t]);
    this.#dropSeedStep[1] = t;
  }

  /**
   * @param network the parameters to start from (copied in)
   * @param capacity the most rows in a batch
   * @param options `images`: the training images, indexed once by their non-zero inputs;
   *   `threads` (default {@linkcode defaultThreads}); `optimizer`, so that the second moments of
   *   RMSProp and Adam get room; `dropout`: rates per activation layer and the masks' seed
   * @returns the engine, with its worker threads started
   */
  static async create(
    network: Network,
    capacity: number,
    options: {
      images?: Matrix;
      threads?: number;
      optimizer?: OptimizerName;
      dropout?: { rates: number[]; seed: number };
    } = {},
  ): Promise<FastMlp> {
    const layers = network.sizes.length - 1;
    if (layers > MAX_LAYERS) {
      throw new RangeError(
        `Cannot use the WebAssembly engine: at most ${MAX_LAYERS} layers, found ${layers}`,
      );
    }
    if (!(network.hidden in HIDDEN_CODES)) {
      throw new RangeError(
        `Cannot use the WebAssembly engine: it has no ${network.hidden} activation (it has ${
          Object.keys(HIDDEN_CODES).join(", ")
        })`,
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
      secondMoments: ["rmsprop", "adam", "adamw"].includes(options.optimizer ?? ""),
    });
    const go = Atomics.load(new Int32Array(memory.buffer, layout.net + kernels.offset_go(), 1), 0);
    const workers = await Promise.all(
      layout.stackTops.map((stackTop, i) => startWorker(memory, layout.net, i + 1, stackTop, go)),
    );
    const engine = new FastMlp([...network.sizes], capacity, memory, kernels, layout, workers);
    engine.load(network);
    if (options.dropout) engine.#setDropout(options.dropout.rates, options.dropout.seed);
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

  /** Copies a network's parameters in, and clears the velocities, moments and step count. */
  load(network: Network): void {
    network.weights.forEach((w, l) => {
      this.#f32(this.#layout.weights[l], w.data.length).set(w.data);
      this.#f32(this.#layout.velocityW[l], w.data.length).fill(0);
      this.#f32(this.#layout.biases[l], network.biases[l].length).set(network.biases[l]);
      this.#f32(this.#layout.velocityB[l], network.biases[l].length).fill(0);
      if (this.#layout.squareW[l]) {
        this.#f32(this.#layout.squareW[l], w.data.length).fill(0);
        this.#f32(this.#layout.squareB[l], network.biases[l].length).fill(0);
      }
    });
    this.#kernels.refresh_transposed(this.#layout.net);
    this.#step = 0;
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
    this.#setRule(update);
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
    this.#setRule(update);
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
