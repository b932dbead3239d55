/**
 * Step 6, the training loop: each epoch reshuffles the training rows (seeded), walks through them
 * in mini-batches (distorted afresh when augmenting) and asks an engine to take one step per
 * batch; then it reports the epoch through `onEpoch`. Full-batch gradient descent is the same
 * loop with one batch per epoch.
 *
 * The loop knows nothing of Jupyter, files or figures. The caller's network changes only at the
 * end of each completed epoch, so a run that is aborted or diverges keeps its last completed
 * epoch; with early stopping, it ends holding its best epoch.
 *
 * @module
 */

import { Augmenter } from "../data/augment.ts";
import type { TrainingSettings } from "./records.ts";
import type { Examples } from "../data/preprocess.ts";
import { chooseEngine } from "../engines/registry.ts";
import { countCorrect, crossEntropy } from "../nn/loss.ts";
import { type Matrix, matrix, takeRows } from "../nn/matrix.ts";
import { dropoutMask } from "../nn/dropout.ts";
import { cloneNetwork } from "../nn/mlp.ts";
import { Random } from "../nn/random.ts";
import { learningRateAt } from "../nn/schedules.ts";
import { divergence, TrainingDiverged } from "./divergence.ts";
import { dropoutRates, settingsOf } from "./options.ts";
import { checkTrainingData, type EpochRecord, type Progress } from "./records.ts";
import type { Network } from "../nn/network.ts";

/** What `train` takes: any training setting (see `TRAINING_DEFAULTS`) and callbacks. */
export interface TrainOptions extends Partial<TrainingSettings> {
  /** Examples evaluated after every epoch (a validation split, for early stopping). */
  validation?: Examples;
  /** Stops the run between batches; the network keeps its last completed epoch. */
  signal?: AbortSignal;
  /** Called after every epoch with its record and the network as it now is. */
  onEpoch?: (record: EpochRecord, network: Network) => void | Promise<void>;
  /** Called every `progressEvery` batches (by default every 100 ms), for progress bars. */
  onProgress?: (progress: Progress) => void | Promise<void>;
  /** Batches between `onProgress` calls and yields to the event loop. */
  progressEvery?: number;
  /** Told once when the engine asked for cannot run part of this setup, and what runs instead. */
  onNotice?: (line: string) => void;
}

/** What `train` returns. */
export interface TrainResult {
  network: Network;
  history: EpochRecord[];
  /** True when the signal stopped the run before its last epoch. */
  stopped: boolean;
  /** With early stopping: the epoch whose weights the network holds. */
  bestEpoch?: number;
}

/**
 * Trains `network` by mini-batch gradient descent and returns its per-epoch history.
 *
 * @param network updated at the end of each completed epoch
 * @param data the training rows and labels
 * @param options see {@linkcode TrainOptions}
 * @returns the network, the history, and whether the run was stopped early
 * @example
 * ```ts
 * import { createNetwork, fromRows, train } from "../mod.ts";
 * const network = createNetwork({ sizes: [2, 4, 2] });
 * const data = { images: fromRows([[0, 1], [1, 0]]), labels: new Uint8Array([0, 1]) };
 * const { history } = await train(network, data, { epochs: 3, batchSize: 2, engine: "reference" });
 * history.length; // 3
 * ```
 */
export async function train(
  network: Network,
  data: Examples,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const settings = settingsOf(options);
  checkTrainingData(network, data, options.validation);
  if (settings.earlyStopping > 0 && !options.validation) {
    throw new RangeError("Cannot train: earlyStopping needs validation examples to watch");
  }
  const rows = data.images.rows;
  const batchSize = settings.batchSize === "full" ? rows : Math.min(settings.batchSize, rows);
  const batches = Math.ceil(rows / batchSize);
  const rng = new Random(settings.seed);
  // Dropping input pixels is noise on the data, like augmentation: the loop does it, on a copy of
  // the batch, so that every engine trains on the same noisy rows; the engines drop hidden units.
  const [inputRate, ...hiddenRates] = dropoutRates(settings, network.sizes.length - 2);
  const dropout = [0, ...hiddenRates];
  const { engine, notice } = await chooseEngine(settings.engine, {
    network,
    optimizer: settings,
    dropout,
  });
  if (notice) options.onNotice?.(notice);
  const session = await engine.train({
    network,
    images: data.images,
    batchSize,
    optimizer: settings,
    dropout,
    seed: settings.seed,
    labelSmoothing: settings.labelSmoothing,
    maxNorm: settings.maxNorm,
    threads: settings.threads === "auto" ? undefined : settings.threads,
  });
  const side = Math.round(Math.sqrt(data.images.cols));
  const augmenter = settings.augment === "none" && !(settings.mirror > 0) && !(settings.erase > 0)
    ? undefined
    : new Augmenter(settings, side, side, settings.seed);
  const cols = data.images.cols;
  const noisy = augmenter || inputRate > 0 ? matrix(batchSize, cols) : undefined;
  let step = 0;
  const batchLabels = new Uint8Array(batchSize);
  const everyRow = Uint32Array.from({ length: rows }, (_, i) => i);
  const history: EpochRecord[] = [];
  let best: { epoch: number; loss: number; network: Network } | undefined;
  let lastReport = performance.now();
  const result = (stopped: boolean): TrainResult => {
    // Early stopping ends on the best epoch, not the last.
    if (best && best.epoch !== history.at(-1)?.epoch) {
      best.network.weights.forEach((w, l) => network.weights[l].data.set(w.data));
      best.network.biases.forEach((b, l) => network.biases[l].set(b));
    }
    return { network, history, stopped, bestEpoch: best?.epoch };
  };
  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const started = performance.now();
      const learningRate = learningRateAt(settings, epoch);
      // Full-batch descent keeps the rows in place; mini-batches reshuffle every epoch.
      const order = batches === 1 ? everyRow : rng.permutation(rows);
      let lossSum = 0, correct = 0;
      for (let b = 0; b < batches; b++) {
        if (options.signal?.aborted) return result(true);
        const start = b * batchSize, size = Math.min(batchSize, rows - start);
        const indices = order.subarray(start, start + size);
        for (let i = 0; i < size; i++) batchLabels[i] = data.labels[indices[i]];
        const labels = batchLabels.subarray(0, size);
        step++;
        const x = noisy && matrix(size, cols, noisy.data.subarray(0, size * cols));
        if (x) {
          if (augmenter) augmenter.batch(data.images, indices, x);
          else takeRows(data.images, indices, x);
          if (inputRate > 0) dropInputs(x, inputRate, settings.seed, step);
        }
        // One-cycle moves the rate every step; the other schedules hold it for the epoch.
        const rate = settings.schedule === "onecycle"
          ? learningRateAt(settings, epoch, (step - 1) / (settings.epochs * batches))
          : learningRate;
        const output = session.step(indices, labels, rate, x);
        const loss = crossEntropy(output, labels);
        // A NaN anywhere in a row's logits spreads through its softmax to the label's probability.
        if (!Number.isFinite(loss)) {
          throw new TrainingDiverged(
            `at epoch ${epoch}, batch ${b + 1} of ${batches}: the loss is ${loss}`,
            settings,
            settings.learningRate,
            history,
          );
        }
        lossSum += loss * size;
        correct += countCorrect(output, labels);
        const now = performance.now();
        const due = options.progressEvery
          ? (b + 1) % options.progressEvery === 0
          : now - lastReport >= 100;
        if (due || b + 1 === batches) {
          lastReport = now;
          const seen = Math.min(rows, (b + 1) * batchSize);
          const progress = { epoch, epochs: settings.epochs, batch: b + 1, batches };
          await options.onProgress?.({ ...progress, loss: lossSum / seen });
          // Let timers, abort signals and the kernel's messages through.
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
      const record: EpochRecord = {
        epoch,
        loss: lossSum / rows,
        trainAccuracy: correct / rows,
        learningRate,
        seconds: 0,
      };
      // Checked before the epoch is stored, so the network keeps the last good one.
      const problem = divergence(record, history, network.sizes.at(-1)!);
      if (problem) throw new TrainingDiverged(problem, settings, settings.learningRate, history);
      session.store(network);
      if (options.validation) {
        const probabilities = session.predict(options.validation.images);
        record.validationLoss = crossEntropy(probabilities, options.validation.labels);
        record.validationAccuracy = countCorrect(probabilities, options.validation.labels) /
          probabilities.rows;
      }
      record.seconds = (performance.now() - started) / 1000;
      history.push(record);
      await options.onEpoch?.(record, network);
      if (settings.earlyStopping > 0) {
        if (!best || record.validationLoss! < best.loss) {
          best = { epoch, loss: record.validationLoss!, network: cloneNetwork(network) };
        } else if (epoch - best.epoch >= settings.earlyStopping) break;
      }
    }
    return result(false);
  } finally {
    session.close();
  }
}

/** Inverted dropout of the input pixels of a batch, in place: masks of layer 0 of `step`. */
function dropInputs(x: Matrix, rate: number, seed: number, step: number) {
  const mask = dropoutMask(new Float32Array(x.data.length), rate, { rates: [], seed, step }, 0);
  for (let i = 0; i < x.data.length; i++) x.data[i] *= mask[i];
}
