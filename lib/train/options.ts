/**
 * The training loop's settings: their defaults, and the checks made before any work starts.
 *
 * @module
 */

import { AUGMENTS } from "../data/augment.ts";
import { ENGINE_NAMES } from "../engines/engine.ts";
import { OPTIMIZERS } from "../nn/optimizers.ts";
import { DEFAULT_SEED } from "../nn/random.ts";
import { SCHEDULES } from "../nn/schedules.ts";
import type { TrainingSettings } from "./records.ts";

/**
 * The values every preset and `train` start from for the constants of the rules and of the
 * augmentation: Adam's and RMSProp's usual constants, and Simard's elastic α and σ.
 */
export const CONSTANT_DEFAULTS = {
  beta1: 0.9,
  beta2: 0.999,
  rho: 0.9,
  epsilon: 1e-8,
  stepEvery: 30,
  stepFactor: 0.1,
  warmupEpochs: 0,
  shift: 2,
  rotation: 10,
  scale: 0.1,
  shear: 10,
  elasticAlpha: 34,
  elasticSigma: 4,
  mirror: 0,
  erase: 0,
} satisfies Partial<TrainingSettings>;

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
  labelSmoothing: 0,
  maxNorm: 0,
  schedule: "constant",
  dropout: [],
  inputDropout: 0,
  earlyStopping: 0,
  augment: "none",
  seed: DEFAULT_SEED,
  engine: "auto",
  threads: "auto",
};

/** What one option must be, in words (for the error), and whether a value is that. */
export interface OptionCheck {
  expected: string;
  accepts(value: unknown): boolean;
}

const isNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);
const check = (expected: string, accepts: (value: unknown) => boolean): OptionCheck => ({
  expected,
  accepts,
});
const whole = (min: number, max = Number.MAX_SAFE_INTEGER, expected = "a positive integer") =>
  check(expected, (v) => isNumber(v) && Number.isInteger(v) && v >= min && v <= max);
const share = check("a number from 0 up to 1", (v) => isNumber(v) && v >= 0 && v < 1);
const below = (limit: number) =>
  check(`a number from 0 up to ${limit}`, (v) => isNumber(v) && v >= 0 && v < limit);
const positive = check("a positive number", (v) => isNumber(v) && v > 0);
const oneOf = (names: readonly string[]) =>
  check(`one of ${names.join(", ")}`, (v) => typeof v === "string" && names.includes(v));

/**
 * The loop's own check of every option, in the words of the run settings' (`SETTINGS` in
 * run/setting_fields.ts, which the tests hold to the same words). The loop takes any number of
 * threads: the engine refuses more than it was built for when the session opens.
 */
export const TRAINING_CHECKS: Record<keyof TrainingSettings, OptionCheck> = {
  epochs: whole(1),
  batchSize: check(
    'a positive integer, or "full" for full-batch gradient descent',
    (v) => v === "full" || whole(1).accepts(v),
  ),
  optimizer: oneOf(OPTIMIZERS),
  learningRate: positive,
  momentum: share,
  weightDecay: check("a number of 0 or more", (v) => isNumber(v) && v >= 0),
  labelSmoothing: share,
  maxNorm: check("a number of 0 or more", (v) => isNumber(v) && v >= 0),
  schedule: oneOf(SCHEDULES),
  stepEvery: whole(1),
  stepFactor: check("a number between 0 and 1", (v) => isNumber(v) && v > 0 && v < 1),
  warmupEpochs: whole(0, undefined, "an integer of 0 or more"),
  beta1: share,
  beta2: share,
  rho: share,
  epsilon: positive,
  dropout: check(
    "a list of numbers from 0 up to 1",
    (v) => Array.isArray(v) && v.every((rate) => share.accepts(rate)),
  ),
  inputDropout: share,
  earlyStopping: whole(0, undefined, "an integer of 0 or more"),
  augment: oneOf(AUGMENTS),
  shift: below(14),
  rotation: below(90),
  scale: below(0.5),
  shear: below(45),
  elasticAlpha: check("a number from 0 to 1000", (v) => isNumber(v) && v >= 0 && v <= 1000),
  elasticSigma: check(
    "a positive number up to 28 (the image's width)",
    (v) => isNumber(v) && v > 0 && v <= 28,
  ),
  mirror: check("a number from 0 to 1", (v) => isNumber(v) && v >= 0 && v <= 1),
  erase: check("a number from 0 to 1", (v) => isNumber(v) && v >= 0 && v <= 1),
  seed: whole(0, 2 ** 32 - 1, "an integer from 0 to 4294967295"),
  engine: oneOf(ENGINE_NAMES),
  threads: check(
    'a positive integer, or "auto" for every core',
    (v) => v === "auto" || whole(1).accepts(v),
  ),
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
    if (!TRAINING_CHECKS[key].accepts(value)) {
      throw new RangeError(
        `Cannot train: expected ${key} to be ${TRAINING_CHECKS[key].expected}, found ${
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
