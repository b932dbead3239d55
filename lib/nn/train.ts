/**
 * Step 6: mini-batch gradient descent. Each epoch reshuffles the training rows (seeded), walks
 * through them in batches, backpropagates and steps; then it reports one history record through
 * `onEpoch`. Full-batch gradient descent is the same loop with one batch per epoch.
 *
 * The caller's network changes only at the end of each completed epoch: training runs on a working
 * copy, so a run that is aborted, interrupted or diverges leaves the model of its last completed
 * epoch.
 *
 * @module
 */

import { countCorrect, crossEntropy } from "./loss.ts";
import { FastMlp } from "../engines/wasm.ts";
import { inJupyterKernel } from "../show/live.ts";
import { type Matrix, matrix, takeRows } from "./matrix.ts";
import {
  backprop,
  cloneNetwork,
  createWorkspace,
  feedForward,
  gradientDescentStep,
  type Gradients,
  type Network,
  type Workspace,
} from "./mlp.ts";
import type { Examples } from "../data/preprocess.ts";
import { DEFAULT_SEED, Random } from "./random.ts";

/** How the learning rate changes over the epochs. */
export type Schedule =
  | "constant"
  | "cosine"
  | { kind: "step"; every: number; factor: number };

/** Everything `train` takes; every field has a default. */
export interface TrainOptions {
  /** Passes over the training set; default 100 (the assignment's). */
  epochs?: number;
  /** Rows per batch, or "full" for full-batch gradient descent; default 128 (the assignment's). */
  batchSize?: number | "full";
  /** η, the step size; default 0.1. */
  learningRate?: number;
  /** μ of classical momentum (v ← μv − η∇L; θ ← θ + v); default 0, plain gradient descent. */
  momentum?: number;
  /**
   * λ of L2 weight decay: each step also shrinks the weights by η·λ·W (biases are not decayed),
   * which keeps them small and the network from memorising; default 0.
   */
  weightDecay?: number;
  /** The learning rate over the epochs; default "constant". */
  schedule?: Schedule;
  /** The seed of the per-epoch reshuffles; default 695. */
  seed?: number;
  /** Examples evaluated after every epoch (a validation or the test set). */
  validation?: Examples;
  /**
   * Which kernels run the steps: "fast" (the default: WebAssembly SIMD, skipping zero pixels) or
   * "reference" (the readable TypeScript of lib/kernels.ts and lib/network.ts, that notebooks 03–05
   * teach from). Both compute the same steps, within Float32 rounding.
   */
  kernels?: "fast" | "reference";
  /** Threads of the fast path; default every core, up to 4. Results do not depend on it. */
  threads?: number;
  /**
   * Stops the run between batches; the network keeps its last completed epoch. Inside a Jupyter
   * kernel, the kernel's interrupt does the same.
   */
  signal?: AbortSignal;
  /** Called after every epoch with its record and the network as it now is. */
  onEpoch?: (record: EpochRecord, network: Network) => void | Promise<void>;
  /** Called every `progressEvery` batches, for progress bars. */
  onProgress?: (progress: Progress) => void;
  /**
   * Batches between `onProgress` calls and yields to the event loop (which let an abort or the
   * kernel's interrupt in); by default, every 100 ms.
   */
  progressEvery?: number;
}

/** Where a run is, for progress bars. */
export interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss of this epoch's batches so far. */
  loss: number;
}

/** One epoch of history. */
export interface EpochRecord {
  epoch: number;
  /** Mean loss of the epoch's batches. */
  loss: number;
  /** Share of training rows the network got right while it trained on them (over the epoch). */
  trainAccuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
  learningRate: number;
  /** Seconds spent on the epoch's training and evaluation. */
  seconds: number;
}

/** What `train` returns. */
export interface TrainResult {
  network: Network;
  history: EpochRecord[];
  /** True when the signal stopped the run before its last epoch. */
  stopped: boolean;
}

/** The learning rate of epoch `epoch` (1-based) of `epochs`. */
export function learningRateAt(
  base: number,
  schedule: Schedule,
  epoch: number,
  epochs: number,
): number {
  if (schedule === "constant") return base;
  if (schedule === "cosine") return base * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs));
  return base * schedule.factor ** Math.floor((epoch - 1) / schedule.every);
}

function validate(network: Network, data: Examples, options: TrainOptions) {
  const fail = (what: string) => {
    throw new RangeError(`Cannot train: ${what}`);
  };
  if (data.images.rows === 0) fail("the training set is empty");
  if (data.images.cols !== network.sizes[0]) {
    fail(
      `the training rows have ${data.images.cols} values but the network takes ${
        network.sizes[0]
      } inputs`,
    );
  }
  if (data.labels.length !== data.images.rows) {
    fail(`${data.images.rows} training rows but ${data.labels.length} labels`);
  }
  const { epochs = 100, batchSize = 128, learningRate = 0.1, momentum = 0, weightDecay = 0 } =
    options;
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) {
    fail(`expected weightDecay to be 0 or more, found ${weightDecay}`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) {
    fail(`expected epochs to be a positive integer, found ${epochs}`);
  }
  if (batchSize !== "full" && (!Number.isInteger(batchSize) || batchSize < 1)) {
    fail(`expected batchSize to be a positive integer or "full", found ${batchSize}`);
  }
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    fail(`expected a positive learningRate, found ${learningRate}`);
  }
  if (!(momentum >= 0 && momentum < 1)) fail(`expected momentum from 0 up to 1, found ${momentum}`);
}

/**
 * Trains `network` by mini-batch gradient descent and returns its per-epoch history.
 *
 * @param network updated at the end of each completed epoch
 * @param data the training rows and labels
 * @param options see {@linkcode TrainOptions}
 * @example
 * ```ts
 * const { history } = await train(network, trainSet, { epochs: 5, learningRate: 0.5 });
 * ```
 */
export async function train(
  network: Network,
  data: Examples,
  options: TrainOptions = {},
): Promise<TrainResult> {
  validate(network, data, options);
  const epochs = options.epochs ?? 100;
  const rows = data.images.rows;
  const batchSize = options.batchSize === "full" ? rows : Math.min(options.batchSize ?? 128, rows);
  const baseRate = options.learningRate ?? 0.1;
  const momentum = options.momentum ?? 0;
  const weightDecay = options.weightDecay ?? 0;
  const schedule = options.schedule ?? "constant";
  const progressEvery = options.progressEvery;
  let lastReport = performance.now();
  const rng = new Random(options.seed ?? DEFAULT_SEED);

  const kernels = options.kernels ?? "fast";
  const batches = Math.ceil(rows / batchSize);
  const stepper = kernels === "fast"
    ? await fastStepper(network, data, batchSize, {
      momentum,
      weightDecay,
      threads: options.threads,
    })
    : referenceStepper(network, data, batchSize, { momentum, weightDecay });
  const batchLabels = new Uint8Array(batchSize);
  const everyRow = Uint32Array.from({ length: rows }, (_, i) => i);
  const history: EpochRecord[] = [];
  // Jupyter's interrupt (■) sends SIGINT, which would end Deno's kernel: inside a kernel, it
  // stops the run instead, at the next batch.
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  const inKernel = inJupyterKernel();
  if (inKernel) Deno.addSignalListener("SIGINT", onInterrupt);

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const learningRate = learningRateAt(baseRate, schedule, epoch, epochs);
      // Full-batch descent keeps the rows in place; mini-batches reshuffle every epoch.
      const order = batches === 1 ? everyRow : rng.permutation(rows);
      let lossSum = 0, correct = 0;
      for (let b = 0; b < batches; b++) {
        if (options.signal?.aborted || interrupted) return { network, history, stopped: true };
        const start = b * batchSize, size = Math.min(batchSize, rows - start);
        const indices = order.subarray(start, start + size);
        for (let i = 0; i < size; i++) batchLabels[i] = data.labels[indices[i]];
        const labels = batchLabels.subarray(0, size);
        const output = stepper.step(indices, labels, learningRate);
        const loss = crossEntropy(output, labels);
        // A NaN anywhere in a row's logits spreads through its softmax to the label's probability.
        if (!Number.isFinite(loss)) {
          throw new RangeError(
            `Training diverged at epoch ${epoch}, batch ${
              b + 1
            } of ${batches}: the loss is ${loss}. ` +
              `Try a smaller learning rate than ${learningRate}. The network keeps the model of epoch ${
                epoch - 1
              }.`,
          );
        }
        lossSum += loss * size;
        correct += countCorrect(output, labels);
        const now = performance.now();
        const due = progressEvery ? (b + 1) % progressEvery === 0 : now - lastReport >= 100;
        if (due || b + 1 === batches) {
          lastReport = now;
          options.onProgress?.({
            epoch,
            epochs,
            batch: b + 1,
            batches,
            loss: lossSum / Math.min(rows, (b + 1) * batchSize),
          });
          // Let timers, abort signals and the kernel's messages through.
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
      stepper.store(network);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / rows,
        trainAccuracy: correct / rows,
        learningRate,
        seconds: 0,
      };
      if (options.validation) {
        const probabilities = stepper.predict(options.validation.images);
        record.validationLoss = crossEntropy(probabilities, options.validation.labels);
        record.validationAccuracy = countCorrect(probabilities, options.validation.labels) /
          probabilities.rows;
      }
      record.seconds = (performance.now() - started) / 1000;
      history.push(record);
      await options.onEpoch?.(record, network);
    }
    return { network, history, stopped: false };
  } finally {
    stepper.close?.();
    if (inKernel) Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

/**
 * One way of taking training steps. The caller's network is not touched until `store`, so a run
 * that stops mid-epoch leaves it at its last completed epoch.
 */
interface Stepper {
  /** One step on the training rows `indices`; returns the batch's softmax output before the step. */
  step(indices: Uint32Array, labels: Uint8Array, learningRate: number): Matrix;
  /** Copies the current parameters into `network`. */
  store(network: Network): void;
  /** Softmax outputs for `images` with the current parameters. */
  predict(images: Matrix): Matrix;
  /** Releases threads; the stepper cannot be used afterwards. */
  close?(): void;
}

/** The readable reference: `backprop` and a plain TypeScript update on a working copy. */
function referenceStepper(
  network: Network,
  data: Examples,
  batchSize: number,
  settings: { momentum: number; weightDecay: number },
): Stepper {
  const working = cloneNetwork(network);
  const workspace = createWorkspace(working, batchSize);
  const velocities = settings.momentum > 0
    ? working.weights.map((w) => new Float32Array(w.data.length))
    : [];
  const biasVelocities = settings.momentum > 0
    ? working.biases.map((b) => new Float32Array(b.length))
    : [];
  const batchImages = matrix(batchSize, data.images.cols);
  return {
    step(indices, labels, learningRate) {
      const size = indices.length;
      // The only batch of every row is full-batch descent's, which keeps the rows in place.
      const x = size === data.images.rows ? data.images : takeRows(
        data.images,
        indices,
        size === batchSize ? batchImages : matrix(size, data.images.cols),
      );
      const gradients = backprop(working, x, labels, workspace);
      if (settings.weightDecay > 0) {
        addWeightDecay(working, gradients.gradWeights, settings.weightDecay);
      }
      step(working, gradients, learningRate, settings.momentum, velocities, biasVelocities);
      const output = workspace.activations.at(-1)!;
      return { rows: size, cols: output.cols, data: output.data.subarray(0, size * output.cols) };
    },
    store: (target) => copyParameters(working, target),
    predict: (images) => predictProbabilities(working, images),
  };
}

/** The fast path: the WebAssembly SIMD engine of `lib/fast/`. */
async function fastStepper(
  network: Network,
  data: Examples,
  batchSize: number,
  settings: { momentum: number; weightDecay: number; threads?: number },
): Promise<Stepper> {
  const engine = await FastMlp.create(network, batchSize, {
    images: data.images,
    threads: settings.threads,
  });
  return {
    step: (indices, labels, learningRate) =>
      engine.trainBatch(indices, labels, {
        learningRate,
        momentum: settings.momentum,
        weightDecay: settings.weightDecay,
      }),
    store: (target) => engine.store(target),
    predict: (images) => engine.predict(images),
    close: () => engine.close(),
  };
}

/** θ ← θ − η∇ (`gradientDescentStep`), or with momentum v ← μv − η∇; θ ← θ + v, in place. */
function step(
  network: Network,
  gradients: Gradients,
  learningRate: number,
  momentum: number,
  velocities: Float32Array[],
  biasVelocities: Float32Array[],
) {
  if (momentum === 0) {
    gradientDescentStep(network, gradients, learningRate);
    return;
  }
  const update = (values: Float32Array, gradient: Float32Array, velocity: Float32Array) => {
    for (let i = 0; i < values.length; i++) {
      velocity[i] = momentum * velocity[i] - learningRate * gradient[i];
      values[i] += velocity[i];
    }
  };
  for (let l = 0; l < network.weights.length; l++) {
    update(network.weights[l].data, gradients.gradWeights[l].data, velocities[l]);
    update(network.biases[l], gradients.gradBiases[l], biasVelocities[l]);
  }
}

/** ∇ ← ∇ + λW for every weight matrix: the gradient of the L2 penalty (λ/2)‖W‖². */
function addWeightDecay(network: Network, gradWeights: Matrix[], weightDecay: number) {
  for (let l = 0; l < network.weights.length; l++) {
    const W = network.weights[l].data, G = gradWeights[l].data;
    for (let i = 0; i < W.length; i++) G[i] += weightDecay * W[i];
  }
}

function copyParameters(from: Network, to: Network) {
  from.weights.forEach((w, l) => to.weights[l].data.set(w.data));
  from.biases.forEach((b, l) => to.biases[l].set(b));
}

/** The loss and accuracy of a network on some examples, computed in chunks of `chunk` rows. */
export function evaluate(
  network: Network,
  examples: Examples,
  chunk = 2000,
): { loss: number; accuracy: number } {
  const probabilities = predictProbabilities(network, examples.images, chunk);
  return {
    loss: crossEntropy(probabilities, examples.labels),
    accuracy: countCorrect(probabilities, examples.labels, probabilities.rows) / probabilities.rows,
  };
}

/** Softmax outputs for every row of `images` (rows × classes), computed in chunks. */
export function predictProbabilities(network: Network, images: Matrix, chunk = 2000): Matrix {
  const classes = network.sizes.at(-1)!;
  const out = matrix(images.rows, classes);
  let workspace: Workspace | undefined;
  for (let start = 0; start < images.rows; start += chunk) {
    const size = Math.min(chunk, images.rows - start);
    workspace ??= createWorkspace(network, size);
    const part: Matrix = {
      rows: size,
      cols: images.cols,
      data: images.data.subarray(start * images.cols, (start + size) * images.cols),
    };
    out.data.set(
      feedForward(network, part, workspace).data.subarray(0, size * classes),
      start * classes,
    );
  }
  return out;
}

/**
 * Softmax outputs for every row of `images`, on the fast path by default (or the reference kernels
 * with `kernels: "reference"`).
 *
 * @example
 * ```ts
 * const probabilities = await classify(network, test.images); // 10000×10
 * ```
 */
export async function classify(
  network: Network,
  images: Matrix,
  options: { kernels?: "fast" | "reference"; threads?: number } = {},
): Promise<Matrix> {
  if (options.kernels === "reference") return predictProbabilities(network, images);
  const engine = await FastMlp.create(network, Math.min(1024, Math.max(1, images.rows)), {
    threads: options.threads,
  });
  try {
    return engine.predict(images);
  } finally {
    engine.close();
  }
}
