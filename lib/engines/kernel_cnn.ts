/**
 * A sequential (convolutional) network in the kernels' memory, stepped by the C of `c/sequential.c` on
 * one or more threads. This file turns the network's layer list into the kernels' program: one
 * record of ints per operation (its kind, shapes, and the byte offsets of its arrays), with each
 * activation fused into the layer before it and a flatten before any dense layer that follows an
 * image. It lays the arrays out, converts the parameters to the kernels' layout (a convolution's
 * filters as (k·k·C) × F, channels last) and back, and writes each step's rule.
 *
 * @module
 */

import { dropThreshold } from "../nn/dropout.ts";
import { sizeOf } from "../nn/layers/layer.ts";
import type { LayerSpec } from "../nn/layers/spec.ts";
import { type Matrix, matrix } from "../nn/matrix.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { shapesOf } from "../nn/sequential.ts";
import {
  bumpAllocator,
  checkKernelBytes,
  HIDDEN_CODES,
  type KernelMemory,
  MAX_THREADS,
} from "./kernel_layout.ts";
import {
  type Backend,
  checkBatch,
  type Kernels,
  runBatch,
  type ThreadLayout,
} from "./kernel_mlp.ts";
import { checkNetwork } from "../nn/check_network.ts";
import { type FusedUpdate, type Header, writeRule } from "./kernel_rules.ts";
import { defaultThreads } from "./wasm_threads.ts";
import { isSequential, type Network, type Shape } from "../nn/network.ts";
import {
  type Field,
  FIELDS,
  KERNEL,
  type KernelConstants,
  type LayerKind,
  type NetField,
} from "./kernel_constants.ts";

/** The operations' codes, their records' fields and sizes, from the kernels (`c/program.c`). */
const KIND = KERNEL.layer, FIELD = KERNEL.field;
const LAYER_INTS = KERNEL.limit.layerInts, HEADER_INTS = KERNEL.limit.headerInts;
/** The code of "no activation fused". */
const NONE = KERNEL.limit.noActivation;

/** The error for a layer kind the kernels do not run, naming it and those they do. */
function unknownLayer(type: string): Error {
  return new Error(
    `The fast engines cannot run layer "${type}": they run ${Object.keys(KIND).join(", ")}`,
  );
}

/** One operation of the program, before its arrays are placed. */
interface Operation {
  kind: LayerKind;
  input: Shape;
  output: Shape;
  /** The activation fused after it (`HIDDEN_CODES`), or `NONE`. */
  act: number;
  spec?: LayerSpec;
  /** Which of the network's parameter arrays it owns. */
  parameters?: number;
  /** A dropout layer's position in the list (its masks' layer number). */
  index?: number;
}

/**
 * Why the C kernels cannot run this sequential network, or undefined when they can.
 *
 * @returns the reason in words
 */
export function cnnUnsupported(network: Network): string | undefined {
  if (!isSequential(network)) return "it is not a sequential network";
  try {
    plan(network);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** The most values a convolution's patch may have on the kernels (its table's ints, 32 KiB). */
export const MAX_PATCH = 8192;

/** The program's operations for a network's layers. */
function plan(network: Network): Operation[] {
  if (!isSequential(network)) throw new Error("it is not a sequential network");
  const { input, layers } = network;
  if (input.channels !== 1) throw new Error("the kernels read one-channel images only");
  const unknown = layers.find((spec) => !Object.hasOwn(KIND, spec.type));
  if (unknown) throw unknownLayer(unknown.type);
  const shapes = shapesOf(input, layers);
  const operations: Operation[] = [];
  let parameters = 0;
  layers.forEach((spec, i) => {
    const before = i === 0 ? input : shapes[i - 1], after = shapes[i];
    const previous = operations.at(-1);
    const spatial = before.height * before.width > 1;
    switch (spec.type) {
      case "activation": {
        const code = HIDDEN_CODES[spec.activation];
        if (code === undefined) {
          throw new Error(`the kernels have no ${spec.activation} activation`);
        }
        // Fused into the layer before when that layer has none yet.
        if (
          previous && previous.act === NONE && previous.kind !== "flatten" &&
          previous.kind !== "dropout"
        ) {
          previous.act = code;
        } else operations.push({ kind: "activation", input: before, output: after, act: code });
        return;
      }
      case "flatten":
        if (spatial) operations.push({ kind: "flatten", input: before, output: after, act: NONE });
        return;
      case "dropout":
        operations.push({
          kind: "dropout",
          input: before,
          output: after,
          act: NONE,
          spec,
          index: i + 1,
        });
        return;
      case "dense": {
        let from = before;
        if (spatial) {
          from = { channels: sizeOf(before), height: 1, width: 1 };
          operations.push({ kind: "flatten", input: before, output: from, act: NONE });
        }
        operations.push({
          kind: "dense",
          input: from,
          output: after,
          act: NONE,
          spec,
          parameters: parameters++,
        });
        return;
      }
      case "conv": {
        // The kernels keep a convolution's patch table (k·k·C ints) on each thread's stack.
        const patch = spec.size * spec.size * before.channels;
        if (patch > MAX_PATCH) {
          throw new Error(
            `the kernels take convolutions of at most ${MAX_PATCH} values a patch (size × size × input channels), found ${spec.size} × ${spec.size} × ${before.channels} = ${patch}`,
          );
        }
        operations.push({
          kind: "conv",
          input: before,
          output: after,
          act: NONE,
          spec,
          parameters: parameters++,
        });
        return;
      }
      case "maxpool":
        operations.push({ kind: "maxpool", input: before, output: after, act: NONE, spec });
        return;
      case "batchnorm":
        operations.push({
          kind: "batchnorm",
          input: before,
          output: after,
          act: NONE,
          spec,
          parameters: parameters++,
        });
        return;
      default:
        throw unknownLayer((spec as { type: string }).type);
    }
  });
  if (operations.at(-1)?.kind !== "dense" || operations.at(-1)!.act !== NONE) {
    throw new Error("the kernels need a dense output layer without an activation");
  }
  return operations;
}

/**
 * Input channels from which a 3 × 3 convolution runs by Winograd's F(2×2, 3×3) (2.25 times fewer
 * multiplications; c/winograd.c) instead of as dense products over patches. Measured on a 2-core
 * AVX2 machine: the `cnn` preset's epoch 30% shorter (32 and 64 channels on 28 × 28 and 14 × 14);
 * the speed run's 3 × 3 layer (24 channels on 12 × 12) no faster, and `speedrun-light`'s (8
 * channels) 40% slower: below 32 channels the 16 products per tile are too thin to pay for the
 * transforms around them.
 */
export const WINOGRAD_MIN_CHANNELS = 32;

/** Whether a convolution runs by Winograd's algorithm: 3 × 3, padding 0 or 1, enough channels. */
function usesWinograd(op: Operation): boolean {
  return op.kind === "conv" && op.spec?.type === "conv" && op.spec.size === 3 &&
    op.spec.padding <= 1 && op.input.channels >= WINOGRAD_MIN_CHANNELS;
}

/** The length of a convolution's patch, k·k·C (0 for other layers). */
function patchSize(op: Operation): number {
  return op.kind === "conv" && op.spec?.type === "conv"
    ? op.spec.size * op.spec.size * op.input.channels
    : 0;
}

/** Where a program's arrays lie, and the header that starts its threads. */
interface CnnLayout extends ThreadLayout {
  program: number;
  records: Record<Field, number>[];
  input: number;
  labels: number;
  operations: Operation[];
}

function layOutCnn(
  memory: KernelMemory,
  header: KernelConstants["net"],
  operations: Operation[],
  capacity: number,
  threads: number,
  secondMoments: boolean,
): CnnLayout {
  const { allocate, floats, end } = bumpAllocator(memory.start);
  const netSize = header.bytes;
  const net = allocate(netSize);
  const program = allocate((HEADER_INTS + LAYER_INTS * operations.length) * 4);
  const input = floats(capacity * sizeOf(operations[0].input));
  const labels = allocate(capacity);
  const zeros = floats(
    // A zero bias as long as any product's row: a layer's input or output, or a filter's patch.
    Math.max(...operations.map((o) => Math.max(sizeOf(o.input), sizeOf(o.output), patchSize(o)))),
  );
  const records = operations.map((op, i) => {
    const record = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>;
    const inSize = sizeOf(op.input), outSize = sizeOf(op.output);
    Object.assign(record, {
      type: KIND[op.kind],
      inC: op.input.channels,
      inH: op.input.height,
      inW: op.input.width,
      outC: op.output.channels,
      outH: op.output.height,
      outW: op.output.width,
      act: op.act,
      out: floats(capacity * outSize),
      dout: floats(capacity * outSize),
    });
    const params = (weights: number, biases: number) => {
      record.W = floats(weights);
      record.b = floats(biases);
      record.vW = floats(weights);
      record.vb = floats(biases);
      if (secondMoments) {
        record.sW = floats(weights);
        record.sb = floats(biases);
      }
      record.gW = floats(weights);
      record.Wt = floats(weights);
    };
    if (op.kind === "conv" && op.spec?.type === "conv") {
      const { size: k, padding: p } = op.spec, C = op.input.channels, F = op.output.channels;
      record.size = k;
      record.pad = p;
      params(k * k * C * F, F);
      if (usesWinograd(op)) {
        // Winograd's F(2×2, 3×3) (c/winograd.c): the filters' 16 points three times (U, Ub, dU),
        // and each group of images' share of dU.
        const tiles = (h: number, w: number) => Math.ceil(h / 2) * Math.ceil(w / 2);
        const T = tiles(op.output.height, op.output.width);
        const Tin = tiles(op.input.height, op.input.width);
        record.wino = floats(48 * C * F);
        record.tiles = floats(Math.ceil(capacity / KERNEL.limit.winogradGroup) * 16 * C * F);
        // Each thread's, one image at a time: the input padded for its tiles, the tiles and their
        // products (or dL/dy's tiles); and for dL/dx, dL/dy padded and its tiles and products.
        const padded = (h: number, w: number, c: number) =>
          (2 * Math.ceil(h / 2) + 2) * (2 * Math.ceil(w / 2) + 2) * c;
        const own = padded(op.output.height, op.output.width, C) + 16 * T * (C + F);
        const inputGradient = i > 0
          ? padded(op.input.height, op.input.width, F) + 16 * Tin * (C + F)
          : 0;
        record.patchFloats = Math.ceil((own + inputGradient) / 16) * 16;
      } else {
        // The input zero-padded (an unpadded convolution reads its input where it lies).
        if (p > 0) {
          record.xpad = floats(capacity * (op.input.height + 2 * p) * (op.input.width + 2 * p) * C);
        }
        // The input gradient is gathered into a zero-padded copy first (none is needed without
        // padding, nor on the first layer, which has no input gradient).
        if (i > 0 && p > 0) {
          record.dpad = floats(capacity * (op.input.height + 2 * p) * (op.input.width + 2 * p) * C);
        }
        // Four positions' patches (the forward's, and the input gradient's patch gradients); where
        // a pooling follows and the two run as one (c/conv_pool.c), two windows of outputs.
        const next = operations[i + 1];
        const s = next?.kind === "maxpool" && next.spec?.type === "maxpool" ? next.spec.size : 0;
        record.patchFloats = Math.ceil(Math.max(4 * k * k * C, 2 * s * s * F) / 16) * 16;
      }
      record.patch = floats(MAX_THREADS * record.patchFloats);
    } else if (op.kind === "dense") {
      params(inSize * outSize, outSize);
    } else if (op.kind === "batchnorm") {
      // γ; β, the running mean and the running variance; x̂, and eight numbers per channel.
      const C = op.input.channels;
      params(C, 3 * C);
      record.norm = floats(capacity * inSize);
      record.stats = floats(8 * C);
    } else if (op.kind === "maxpool" && op.spec?.type === "maxpool") {
      record.size = op.spec.size;
      record.argmax = allocate(capacity * outSize * 4);
    } else if (op.kind === "dropout" && op.spec?.type === "dropout") {
      record.drop = dropThreshold(op.spec.rate) | 0;
      record.keep = new Int32Array(Float32Array.of(1 / (1 - op.spec.rate)).buffer)[0];
      record.index = op.index!;
    }
    return record;
  });
  const stackTops = memory.workerStacks
    ? Array.from({ length: threads - 1 }, () => allocate(256 * 1024) + 256 * 1024)
    : [];
  checkKernelBytes(end(), memory.name);
  const { buffer, base } = memory.reserve(end());
  const ints = new Int32Array(buffer, program, HEADER_INTS + LAYER_INTS * operations.length);
  const head = KERNEL.header;
  ints[head.layers] = operations.length;
  ints[head.input] = input;
  ints[head.labels] = labels;
  ints[head.zeros] = zeros;
  records.forEach((record, i) =>
    FIELDS.forEach((f) => ints[HEADER_INTS + LAYER_INTS * i + FIELD[f]] = record[f])
  );
  // The header: the thread count, and where the program and the offsets' base are.
  const offset = (name: NetField) => net + header[name];
  const view = new DataView(buffer);
  view.setInt32(offset("threads"), threads, true);
  view.setInt32(offset("capacity"), capacity, true); // the kernels refuse larger batches
  if (memory.pointerSize === 4) view.setUint32(offset("program"), program, true);
  else {
    view.setBigUint64(offset("program"), base + BigInt(program), true);
    view.setBigUint64(offset("base"), base, true);
  }
  return { net, buffer, base, stackTops, program, records, input, labels, operations };
}

/** What a sequential network in the kernels is made with. */
export interface KernelCnnOptions {
  threads?: number;
  optimizer?: OptimizerName;
  /** The dropout masks' seed. */
  seed?: number;
}

/**
 * A sequential network in the kernels' memory. Create it with {@linkcode KernelCnn.create} and
 * `close()` it when done, which stops its threads.
 */
export class KernelCnn {
  readonly #kernels: Kernels;
  readonly #backend: Backend;
  readonly #layout: CnnLayout;
  readonly #secondMoments: boolean;
  #stop: (() => void) | undefined;
  #step = 0;

  private constructor(
    readonly capacity: number,
    backend: Backend,
    layout: CnnLayout,
    secondMoments: boolean,
  ) {
    this.#kernels = backend.kernels;
    this.#backend = backend;
    this.#layout = layout;
    this.#secondMoments = secondMoments;
  }

  /**
   * @param network a sequential network the kernels support (see {@linkcode cnnUnsupported})
   * @param capacity the most rows in a batch
   * @returns the network in the kernels, its threads started
   */
  static async create(
    backend: Backend,
    network: Network,
    capacity: number,
    options: KernelCnnOptions = {},
  ): Promise<KernelCnn> {
    checkNetwork(network, `Cannot use the ${backend.name} engine`);
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot use the ${backend.name} engine: expected a capacity of 1 or more rows, found ${capacity}`,
      );
    }
    const why = cnnUnsupported(network);
    if (why) throw new RangeError(`Cannot use the ${backend.name} engine: ${why}`);
    const threads = options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new RangeError(
        `Cannot use the ${backend.name} engine: expected threads to be an integer from 1 to ${MAX_THREADS}, found ${threads}`,
      );
    }
    const secondMoments = ["rmsprop", "adam", "adamw"].includes(options.optimizer ?? "");
    const layout = layOutCnn(
      backend.memory(),
      backend.constants.net,
      plan(network),
      capacity,
      threads,
      secondMoments,
    );
    const cnn = new KernelCnn(capacity, backend, layout, secondMoments);
    cnn.load(network);
    new Uint32Array(layout.buffer, cnn.#field("dropSeed"), 1)[0] = options.seed ?? 695;
    cnn.#stop = await backend.startThreads(layout, threads);
    return cnn;
  }

  #f32(at: number, length: number) {
    return new Float32Array(this.#layout.buffer, at, length);
  }

  #field(name: NetField): number {
    return this.#layout.net + this.#backend.constants.net[name];
  }

  get #header(): Header {
    return {
      view: (kind, at, n) => new kind(this.#layout.buffer, at, n),
      field: (name) => this.#field(name),
    };
  }

  /** Each parameter array's record and operation, in the network's order. */
  #owners() {
    return this.#layout.operations.flatMap((op, i) =>
      op.parameters === undefined ? [] : [{ op, record: this.#layout.records[i] }]
    );
  }

  /** Copies a network's parameters in (converted to the kernels' layout) and clears the rule's state. */
  load(network: Network): void {
    this.#owners().forEach(({ op, record }, l) => {
      const source = network.weights[l].data, n = source.length;
      const W = this.#f32(record.W, n), Wt = this.#f32(record.Wt, n);
      if (op.kind === "conv") {
        const k = record.size, C = record.inC, F = record.outC;
        for (let f = 0; f < F; f++) {
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                const w = source[((f * C + c) * k + u) * k + v];
                W[((u * k + v) * C + c) * F + f] = w;
                Wt[f * k * k * C + (u * k + v) * C + c] = w;
              }
            }
          }
        }
      } else if (op.kind === "batchnorm") W.set(source);
      else {
        const nIn = sizeOf(op.input), nOut = sizeOf(op.output);
        W.set(source);
        for (let k = 0; k < nIn; k++) {
          for (let c = 0; c < nOut; c++) Wt[c * nIn + k] = source[k * nOut + c];
        }
      }
      this.#f32(record.b, network.biases[l].length).set(network.biases[l]);
      for (const at of [record.vW, record.sW]) if (at) this.#f32(at, n).fill(0);
      for (const at of [record.vb, record.sb]) {
        if (at) this.#f32(at, network.biases[l].length).fill(0);
      }
    });
    this.#step = 0;
  }

  /** Copies the parameters out into `network`, in the reference's layout. */
  store(network: Network): void {
    this.#owners().forEach(({ op, record }, l) => {
      const target = network.weights[l].data;
      const W = this.#f32(record.W, target.length);
      if (op.kind === "conv") {
        const k = record.size, C = record.inC, F = record.outC;
        for (let f = 0; f < F; f++) {
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < k; u++) {
              for (let v = 0; v < k; v++) {
                target[((f * C + c) * k + u) * k + v] = W[((u * k + v) * C + c) * F + f];
              }
            }
          }
        }
      } else target.set(W);
      network.biases[l].set(this.#f32(record.b, network.biases[l].length));
    });
  }

  /** The softmax output of the last batch, rows × classes: a view, overwritten by the next. */
  output(rows: number): Matrix {
    const last = this.#layout.records.at(-1)!;
    return matrix(rows, last.outC, this.#f32(last.out, rows * last.outC));
  }

  /**
   * One training step on the rows `indices` of `images` (or on the rows of `x`, augmented copies),
   * the update fused in.
   *
   * @returns the batch's softmax output, computed before the step
   */
  train(
    images: Matrix,
    indices: Uint32Array,
    labels: Uint8Array,
    update: FusedUpdate,
    x?: Matrix,
  ): Matrix {
    const rows = indices.length, n = images.cols;
    const fits = { capacity: this.capacity, inputs: sizeOf(this.#layout.operations[0].input) };
    checkBatch(this.#backend.name, x ?? { rows, cols: n }, fits);
    if (!x && indices.some((i) => i >= images.rows)) {
      throw new RangeError(
        `Cannot run the ${this.#backend.name} engine: expected training rows below ${images.rows}, found row ${
          Math.max(...indices)
        }`,
      );
    }
    const input = this.#f32(this.#layout.input, rows * n);
    if (x) input.set(x.data.subarray(0, rows * n));
    else {for (let r = 0; r < rows; r++) {
        input.set(images.data.subarray(indices[r] * n, (indices[r] + 1) * n), r * n);
      }}
    new Uint8Array(this.#layout.buffer, this.#layout.labels, rows).set(labels.subarray(0, rows));
    writeRule(this.#header, update, ++this.#step, this.#secondMoments);
    runBatch(this.#backend, this.#layout, KERNEL.mode.sequentialTrain, rows);
    return this.output(rows);
  }

  /** @returns the softmax outputs for every row of `images`, `capacity` rows at a time */
  predict(images: Matrix): Matrix {
    const classes = this.#layout.records.at(-1)!.outC, n = images.cols;
    const inputs = sizeOf(this.#layout.operations[0].input);
    checkBatch(this.#backend.name, { rows: 0, cols: n }, { capacity: this.capacity, inputs });
    const out = new Float32Array(images.rows * classes);
    for (let start = 0; start < images.rows; start += this.capacity) {
      const rows = Math.min(this.capacity, images.rows - start);
      this.#f32(this.#layout.input, rows * n).set(
        images.data.subarray(start * n, (start + rows) * n),
      );
      runBatch(this.#backend, this.#layout, KERNEL.mode.sequentialClassify, rows);
      out.set(this.output(rows).data, start * classes);
    }
    return matrix(images.rows, classes, out);
  }

  /** Stops the threads and frees the memory. */
  close(): void {
    this.#stop?.();
    this.#stop = undefined;
  }
}
