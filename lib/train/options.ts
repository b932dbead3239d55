/**
 * The training loop's settings: their defaults, and the checks made before any work starts.
 *
 * @module
 */

import { DEFAULT_SEED } from "../nn/random.ts";
import { CONSTANT_DEFAULTS, SETTINGS } from "../run/settings.ts";
import type { TrainingSettings } from "./records.ts";

/**
 * What `train` does where an option is missing: plain gradient descent with η = 0.1 on batches of
 * 128 for 100 epochs (the assignment's), no dropout, no augmentation, on the best engine here.
 * Giving a `momentum` without an `optimizer` means the momentum optimizer.
 */
export const TRAINING_DEFAULTS: TrainingSettings = {
  ...CONSTANT_DEFAULTS,
  epochs: 100,
  batchSize: 128,
  optimizer: "sgd",
  learningRate: 0.1,
  momentum: 0,
  weightDecay: 0,
  schedule: "constant",
  dropout: [],
  inputDropout: 0,
  earlyStopping: 0,
  augment: "none",
  seed: DEFAULT_SEED,
  engine: "auto",
  threads: "auto",
};

/**
 * The options with defaults where they are missing, each checked by name.
 *
 * @returns complete training settings
 */
export function settingsOf(options: Partial<TrainingSettings>): TrainingSettings {
  const settings: Record<string, unknown> = {
    ...TRAINING_DEFAULTS,
    optimizer: options.momentum ? "momentum" : "sgd",
  };
  for (const key of Object.keys(TRAINING_DEFAULTS) as (keyof TrainingSettings)[]) {
    const value = options[key] ?? settings[key];
    if (!SETTINGS[key].accepts(value)) {
      throw new RangeError(
        `Cannot train: expected ${key} to be ${SETTINGS[key].expected}, found ${
          JSON.stringify(value)
        }`,
      );
    }
    settings[key] = value;
  }
  return settings as unknown as TrainingSettings;
}

/**
 * The dropout rate of the inputs and of each hidden layer: one rate for every hidden layer, or one
 * per layer.
 *
 * @returns [input rate, then one rate per hidden layer]
 */
export function dropoutRates(settings: TrainingSettings, hiddenLayers: number): number[] {
  const { dropout } = settings;
  if (dropout.length > 1 && dropout.length !== hiddenLayers) {
    throw new RangeError(
      `Cannot train: expected dropout to hold one rate, or one per hidden layer (${hiddenLayers}), found ${
        JSON.stringify(dropout)
      }`,
    );
  }
  return [
    settings.inputDropout,
    ...Array.from({ length: hiddenLayers }, (_, l) => dropout[dropout.length > 1 ? l : 0] ?? 0),
  ];
}
