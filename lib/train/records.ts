/**
 * What the training loop reports: where a run is (for progress bars) and one record per epoch
 * (for the history); and the checks of the data it is given, made before any work starts.
 *
 * @module
 */

import type { Examples } from "../data/preprocess.ts";
import { networkProblem } from "../nn/check_network.ts";
import type { AugmentSettings } from "../data/augment.ts";
import type { EngineName } from "../engines/engine.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import type { ScheduleName } from "../nn/schedules.ts";
import type { Network } from "../nn/network.ts";

/**
 * The settings the loop uses: the training's, the augmentation's and the engine's. A run's
 * settings (`RunSettings` in run/setting_fields.ts) hold these and more.
 */
export interface TrainingSettings extends AugmentSettings {
  /** Required here (every run states them); optional in AugmentSettings, absent meaning 0. */
  mirror: number;
  erase: number;
  epochs: number;
  batchSize: number | "full";
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  /** ε of label smoothing: the targets keep ε of their weight off the true class; 0 for none. */
  labelSmoothing: number;
  /** c of max-norm: each unit's incoming weights kept to ‖w‖₂ ≤ c after every step; 0 for none. */
  maxNorm: number;
  schedule: ScheduleName;
  stepEvery: number;
  stepFactor: number;
  warmupEpochs: number;
  beta1: number;
  beta2: number;
  rho: number;
  epsilon: number;
  /** The MLP's hidden layers' dropout rates: one for all, or one per layer. */
  dropout: number[];
  inputDropout: number;
  earlyStopping: number;
  seed: number;
  engine: EngineName;
  threads: number | "auto";
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

/**
 * Checks that training rows (and validation rows, if any) fit the network: as many values per
 * row as it has inputs, one label per row, every label one of its outputs.
 *
 * @throws RangeError saying what does not fit, with both numbers
 *
 * @returns nothing; it throws when something does not fit
 */
export function checkTrainingData(network: Network, data: Examples, validation?: Examples): void {
  const check = (set: Examples, what: string) => {
    const fail = (problem: string) => {
      throw new RangeError(`Cannot train: ${problem}`);
    };
    const problem = networkProblem(network);
    if (problem) fail(`the network is damaged: ${problem}`);
    const inputs = network.sizes[0], classes = network.sizes.at(-1)!;
    if (set.images.rows === 0) fail(`the ${what} set is empty`);
    if (set.images.cols !== inputs) {
      fail(
        `the ${what} rows have ${set.images.cols} values but the network takes ${inputs} inputs`,
      );
    }
    if (set.labels.length !== set.images.rows) {
      fail(`${set.images.rows} ${what} rows but ${set.labels.length} labels`);
    }
    for (let i = 0; i < set.labels.length; i++) {
      if (set.labels[i] >= classes) {
        fail(
          `${what} label ${i} is ${set.labels[i]}, but the network has ${classes} outputs ` +
            `(labels 0 to ${classes - 1})`,
        );
      }
    }
  };
  check(data, "training");
  if (validation) check(validation, "validation");
}
