/**
 * A multi-layer perceptron in the kernels' memory, stepped by the C kernels of `c/mlp.c` on one or
 * more threads: the parameters, optimizer state and batch buffers laid out by `kernel_layout.ts`.
 * The same class serves both builds of the kernels; a backend (`wasm_backend.ts`,
 * `native_backend.ts`) gives their functions, memory and threads. Numerically the algorithm of
 * the reference engine, within Float32 tolerance (`tests/engines_test.ts`).
 *
 * @module
 */

import type { Matrix } from "../nn/matrix.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { type FusedUpdate, type Header, writeDropout, writeRule } from "./kernel_rules.ts";

export type { FusedUpdate };
import {
  HIDDEN_CODES,
  type KernelMemory,
  layOut,
  MAX_LAYERS,
  MAX_THREADS,
} from "./kernel_layout.ts";
import { defaultThreads } from "./wasm_threads.ts";
import { KERNEL, type KernelConstants, type NetField } from "./kernel_constants.ts";
import { checkNetwork } from "../nn/check_network.ts";
import type { Network } from "../nn/network.ts";

/** The kernels' functions, as a WebAssembly instance or a native library exports them. */
export interface Kernels {
  run_batch(net: number | bigint, mode: number, rows: number): void;
  refresh_transposed(net: number | bigint): void;
  [name: string]: unknown;
}

/**
 * Runs one job of the kernels on every thread (`run_batch`), and throws when a worker thread
 * failed during it (a trap in WebAssembly), rather than hand back half-computed results.
 *
 * @param layout where the header is (`net`, its offset) and its memory (`buffer`)
 * @throws Error naming the engine, when a worker failed
 */
export function runBatch(
  backend: Pick<Backend, "kernels" | "name" | "constants">,
  layout: { net: number; buffer: ArrayBuffer | SharedArrayBuffer; base: bigint },
  mode: number,
  rows: number,
): void {
  const { kernels } = backend;
  const net = layout.base ? layout.base + BigInt(layout.net) : layout.net;
  try {
    kernels.run_batch(net, mode, rows);
  } catch (error) {
    // A trap in this thread's own share: the workers must not wait for it at a barrier either.
    (kernels.fail_threads as ((net: number | bigint) => void) | undefined)?.(net);
    throw new Error(
      `Cannot run the ${backend.name} engine: its kernels trapped (${
        (error as Error).message
      }); the network in the engine is lost`,
    );
  }
  const at = layout.net + backend.constants.net.failed;
  if (Atomics.load(new Int32Array(layout.buffer, at, 1), 0) !== 0) {
    throw new Error(
      `Cannot run the ${backend.name} engine: one of its worker threads failed (a trap in the kernels) and the batch was not computed; the network in the engine is lost`,
    );
  }
}

/**
 * Throws unless a batch of `rows` rows of `cols` values fits a network of `inputs` inputs laid out
 * for `capacity` rows: the kernels would otherwise read and write past their arrays.
 *
 * @throws RangeError naming the engine and both numbers
 */
export function checkBatch(
  engine: string,
  batch: { rows: number; cols: number },
  layout: { capacity: number; inputs: number },
): void {
  const { rows, cols } = batch, { capacity, inputs } = layout;
  if (!Number.isInteger(rows) || rows < 0 || rows > capacity) {
    throw new RangeError(
      `Cannot run the ${engine} engine: expected a batch of at most ${capacity} rows, found ${rows}`,
    );
  }
  if (cols !== inputs) {
    throw new RangeError(
      `Cannot run the ${engine} engine: expected rows of ${inputs} values, found ${cols}`,
    );
  }
}

/** A layout placed in its memory: the offsets, the buffer they index, and its address. */
export type PlacedLayout = ReturnType<typeof layOut>;

/** What starting threads needs of a layout: the header's offset, the memory, worker stacks. */
export type ThreadLayout = Pick<PlacedLayout, "net" | "buffer" | "base" | "stackTops">;

/**
 * Where the kernels run: WebAssembly (`wasm_backend.ts`) or native code (`native_backend.ts`).
 */
export interface Backend {
  /** "WebAssembly" or "native", for messages. */
  name: string;
  kernels: Kernels;
  /** The build's shared numbers, the header's layout among them (`kernel_constants.ts`). */
  constants: KernelConstants;
  /** A fresh memory for one network. */
  memory(): KernelMemory;
  /** Starts threads 1 … threads − 1 on the network laid out; resolves to what stops them. */
  startThreads(layout: ThreadLayout, threads: number): Promise<() => void>;
  /**
   * The address of an array the kernels may read in place (native code shares the process's
   * memory), or undefined when they cannot (WebAssembly has a memory of its own).
   */
  addressOf?(array: Float32Array): bigint;
}

/** What a network in the kernels is made with. */
export interface KernelOptions {
  /** The training images, indexed once by their non-zero inputs. */
  images?: Matrix;
  /** Default {@linkcode defaultThreads}. */
  threads?: number;
  /** The rule, so that the second moments of RMSProp and Adam get room. */
  optimizer?: OptimizerName;
  /** Dropout rates per activation layer (rates[0] must be 0) and the masks' seed. */
  dropout?: { rates: number[]; seed: number };
}

/**
 * A network in the kernels' memory. Create it with {@linkcode KernelMlp.create} and `close()` it
 * when done, which stops its threads.
 */
export class KernelMlp {
  readonly #kernels: Kernels;
  readonly #backend: Backend;
  readonly #layout: PlacedLayout;
  readonly #net: number | bigint;
  #stop: (() => void) | undefined;
  /** The training images listed at creation (rows a batch may index). */
  #trainingRows = 0;

  get #fits() {
    return { capacity: this.capacity, inputs: this.sizes[0] };
  }
  /** Training steps taken: Adam's t, and a new dropout mask for each. */
  #step = 0;

  private constructor(
    readonly sizes: number[],
    readonly capacity: number,
    readonly threads: number,
    backend: Backend,
    layout: PlacedLayout,
  ) {
    this.#backend = backend;
    this.#kernels = backend.kernels;
    this.#layout = layout;
    // WebAssembly takes the header's offset; native code its address.
    this.#net = layout.base ? layout.base + BigInt(layout.net) : layout.net;
  }

  /**
   * @param backend where the kernels run
   * @param network the parameters to start from (copied in)
   * @param capacity the most rows in a batch
   * @returns the network in the kernels, with its threads started
   */
  static async create(
    backend: Backend,
    network: Network,
    capacity: number,
    options: KernelOptions = {},
  ): Promise<KernelMlp> {
    const fail = (what: string) => {
      throw new RangeError(`Cannot use the ${backend.name} engine: ${what}`);
    };
    checkNetwork(network, `Cannot use the ${backend.name} engine`, options.images?.cols);
    if (!Number.isInteger(capacity) || capacity < 1) {
      fail(`expected a capacity of 1 or more rows, found ${capacity}`);
    }
    const layers = network.sizes.length - 1;
    if (layers > MAX_LAYERS) fail(`at most ${MAX_LAYERS} layers, found ${layers}`);
    if (!(network.hidden in HIDDEN_CODES)) {
      fail(
        `it has no ${network.hidden} activation (it has ${Object.keys(HIDDEN_CODES).join(", ")})`,
      );
    }
    const threads = options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      fail(`expected threads to be an integer from 1 to ${MAX_THREADS}, found ${threads}`);
    }
    if ((options.dropout?.rates[0] ?? 0) > 0) fail("it has no dropout of the inputs");
    const layout = layOut(backend.memory(), backend.constants.net, {
      sizes: network.sizes,
      hidden: network.hidden,
      capacity,
      threads,
      images: options.images,
      secondMoments: ["rmsprop", "adam", "adamw"].includes(options.optimizer ?? ""),
    });
    const mlp = new KernelMlp([...network.sizes], capacity, threads, backend, layout);
    mlp.#trainingRows = options.images?.rows ?? 0;
    mlp.load(network);
    if (options.dropout) mlp.#setDropout(options.dropout.rates, options.dropout.seed);
    mlp.#stop = await backend.startThreads(layout, threads);
    return mlp;
  }

  /** A view of `length` values of type T at a header field or an array. */
  #view<T>(kind: new (b: ArrayBufferLike, at: number, n: number) => T, at: number, n: number): T {
    return new kind(this.#layout.buffer, at, n);
  }

  #f32(offset: number, length: number): Float32Array {
    return this.#view(Float32Array, offset, length);
  }

  /** A header field's byte offset. */
  #field(name: NetField): number {
    return this.#layout.net + this.#backend.constants.net[name];
  }

  /** The header's fields, as the rule and dropout writers reach them. */
  get #header(): Header {
    return { view: (kind, at, n) => this.#view(kind, at, n), field: (name) => this.#field(name) };
  }

  #setDropout(rates: number[], seed: number) {
    writeDropout(this.#header, this.sizes.length, rates, seed);
  }

  /** Writes one step's rule and constants into the header. */
  #setRule(update: FusedUpdate) {
    writeRule(this.#header, update, ++this.#step, this.#layout.squareW[0] !== 0);
  }

  /** Stops the threads and frees the memory. The network cannot be used afterwards. */
  close(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  /** Copies a network's parameters in, and clears the velocities, moments and step count. */
  load(network: Network): void {
    const layout = this.#layout;
    network.weights.forEach((w, l) => {
      const n = w.data.length, m = network.biases[l].length;
      this.#f32(layout.weights[l], n).set(w.data);
      this.#f32(layout.biases[l], m).set(network.biases[l]);
      for (const [at, length] of [[layout.velocityW[l], n], [layout.velocityB[l], m]]) {
        this.#f32(at, length).fill(0);
      }
      if (layout.squareW[l]) {
        this.#f32(layout.squareW[l], n).fill(0);
        this.#f32(layout.squareB[l], m).fill(0);
      }
    });
    this.#kernels.refresh_transposed(this.#net);
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
    checkBatch(this.#backend.name, { rows, cols: this.sizes[0] }, this.#fits);
    const listed = this.#trainingRows;
    if (indices.some((i) => i >= listed) || labels.length < rows) {
      throw new RangeError(
        `Cannot run the ${this.#backend.name} engine: expected ${rows} labels and training rows below ${listed}, found ${labels.length} labels and row ${
          Math.max(...indices)
        }`,
      );
    }
    this.#view(Uint32Array, this.#layout.indices, rows).set(indices);
    this.#view(Uint8Array, this.#layout.labels, rows).set(labels.subarray(0, rows));
    this.#setRule(update);
    runBatch(this.#backend, this.#layout, KERNEL.mode.mlpTrainIndexed, rows);
    return this.output(rows);
  }

  /**
   * One step on the rows of `x` (at most `capacity`), such as augmented images: they are indexed
   * by their non-zero inputs as they arrive.
   *
   * @returns the batch's softmax output, computed before the step
   */
  trainRows(x: Matrix, labels: Uint8Array, update: FusedUpdate): Matrix {
    checkBatch(this.#backend.name, x, this.#fits);
    this.#f32(this.#layout.activations[0], x.rows * x.cols).set(
      x.data.subarray(0, x.rows * x.cols),
    );
    this.#view(Uint8Array, this.#layout.labels, x.rows).set(labels.subarray(0, x.rows));
    this.#setRule(update);
    runBatch(this.#backend, this.#layout, KERNEL.mode.mlpTrainRows, x.rows);
    return this.output(x.rows);
  }

  /** @returns the softmax outputs for every row of `images`, `capacity` rows at a time */
  predict(images: Matrix): Matrix {
    const classes = this.sizes.at(-1)!, n0 = this.sizes[0];
    checkBatch(this.#backend.name, { rows: 0, cols: images.cols }, this.#fits);
    const out = new Float32Array(images.rows * classes);
    // Native code reads the images where they are: activations[0] points into them, chunk by
    // chunk, and back at its own buffer afterwards. WebAssembly copies each chunk in.
    const address = this.#backend.addressOf?.(images.data);
    const header = new DataView(this.#layout.buffer);
    const field = this.#field("activations");
    const own = address === undefined ? 0n : header.getBigUint64(field, true);
    try {
      for (let start = 0; start < images.rows; start += this.capacity) {
        const rows = Math.min(this.capacity, images.rows - start);
        if (address === undefined) {
          this.#f32(this.#layout.activations[0], rows * n0)
            .set(images.data.subarray(start * n0, (start + rows) * n0));
        } else header.setBigUint64(field, address + BigInt(start * n0 * 4), true);
        runBatch(this.#backend, this.#layout, KERNEL.mode.mlpClassify, rows);
        out.set(this.output(rows).data, start * classes);
      }
    } finally {
      if (address !== undefined) header.setBigUint64(field, own, true);
    }
    return { rows: images.rows, cols: classes, data: out };
  }
}
