/**
 * What a run is made of: the fields of `RunSettings`, and for each its group, its help text and
 * the values it may take. `settings.ts` checks whole settings against this table; the command
 * line's flags and `--help` are made from it.
 *
 * @module
 */

import { DATASET_NAMES, type DatasetName } from "../data/dataset_specs.ts";
import { ENGINE_NAMES, type EngineName } from "../engines/engine.ts";
import { MAX_THREADS } from "../engines/kernel_layout.ts";
import { type ActivationName, ACTIVATIONS } from "../nn/activations.ts";
import { type InitName, INITS } from "../nn/init.ts";
import { type OptimizerName, OPTIMIZERS } from "../nn/optimizers.ts";
import { type ScheduleName, SCHEDULES } from "../nn/schedules.ts";
import { AUGMENTS } from "../data/augment.ts";
import type { TrainingSettings } from "../train/records.ts";
import { type Field, integer, listOf, name, oneOf, orWord, real, text } from "./fields.ts";

/** Everything that defines a run. */
export interface RunSettings extends TrainingSettings {
  /** The preset these settings started from. */
  preset: string;
  // The data
  dataset: DatasetName;
  balancedPerClass: number | "all";
  limitTrainingRows: number | "all";
  // The network
  hiddenSizes: number[];
  /** A sequential network's layers in text ("conv(32,5) relu maxpool(2) …"); "" for the MLP. */
  layers: string;
  activation: ActivationName;
  init: InitName | "auto";
  initStd: number;
  seed: number;
  dropout: number[];
  inputDropout: number;
  // The training
  epochs: number;
  batchSize: number | "full";
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  rho: number;
  epsilon: number;
  weightDecay: number;
  labelSmoothing: number;
  maxNorm: number;
  schedule: ScheduleName;
  stepEvery: number;
  stepFactor: number;
  warmupEpochs: number;
  validationSplit: number;
  earlyStopping: number;
  // The augmentation: see AugmentSettings
  // The engine
  engine: EngineName;
  threads: number | "auto";
}

/** A setting: its group, its help text and the values it takes. */
export interface Setting extends Field {
  group: "run" | "data" | "network" | "training" | "augmentation" | "engine";
  help: string;
}

const setting = (group: Setting["group"], help: string, field: Field): Setting => ({
  group,
  help,
  ...field,
});

/** Every setting, in the order tables and `--help` show them. */
export const SETTINGS: Record<keyof RunSettings, Setting> = {
  preset: setting("run", "the preset the other settings start from", name),
  dataset: setting("data", "the data set", oneOf(DATASET_NAMES)),
  balancedPerClass: setting(
    "data",
    "train on this many images of each class, drawn at random (seeded)",
    orWord(integer(1), "all", "every image"),
  ),
  limitTrainingRows: setting(
    "data",
    "train on the first this-many training images only, for a quick try",
    orWord(integer(1), "all", "every image"),
  ),
  hiddenSizes: setting(
    "network",
    "the hidden layers' sizes, input to output (comma-separated on the command line)",
    listOf(integer(1), "positive integers"),
  ),
  layers: setting(
    "network",
    'a convolutional (or any sequential) network\'s layers, e.g. "conv(32,5) relu maxpool(2) flatten dense(128) relu dropout(0.5)", the output layer added; "" for the MLP of hiddenSizes',
    text,
  ),
  activation: setting("network", "the hidden layers' activation (of the MLP)", oneOf(ACTIVATIONS)),
  init: setting(
    "network",
    "how the first weights are drawn (\"auto\": Glorot's range for sigmoid and tanh, He's for ReLU and SiLU)",
    oneOf([...INITS, "auto"]),
  ),
  initStd: setting(
    "network",
    'the standard deviation of the "normal" initialisation',
    real({ greaterThan: 0 }, "a positive number"),
  ),
  seed: setting(
    "network",
    "seed of the weights, the subsets and the shuffles",
    integer(0, 2 ** 32 - 1),
  ),
  dropout: setting(
    "network",
    "dropout rate of each hidden layer while training (one rate for all, or one per layer; [] for none)",
    listOf(real({ min: 0, lessThan: 1 }, ""), "numbers from 0 up to 1"),
  ),
  inputDropout: setting(
    "network",
    "dropout rate of the input pixels while training",
    real({ min: 0, lessThan: 1 }, "a number from 0 up to 1"),
  ),
  epochs: setting("training", "passes over the training set", integer(1)),
  batchSize: setting(
    "training",
    "rows per mini-batch",
    orWord(integer(1), "full", "full-batch gradient descent"),
  ),
  optimizer: setting("training", "the update rule", oneOf(OPTIMIZERS)),
  learningRate: setting(
    "training",
    "the step size η",
    real({ greaterThan: 0 }, "a positive number"),
  ),
  momentum: setting(
    "training",
    "μ of the momentum optimizer",
    real({ min: 0, lessThan: 1 }, "a number from 0 up to 1"),
  ),
  beta1: setting(
    "training",
    "β₁ of Adam and AdamW",
    real({ min: 0, lessThan: 1 }, "a number from 0 up to 1"),
  ),
  beta2: setting(
    "training",
    "β₂ of Adam and AdamW",
    real({ min: 0, lessThan: 1 }, "a number from 0 up to 1"),
  ),
  rho: setting(
    "training",
    "ρ of RMSProp",
    real({ min: 0, lessThan: 1 }, "a number from 0 up to 1"),
  ),
  epsilon: setting(
    "training",
    "ε of RMSProp, Adam and AdamW",
    real({ greaterThan: 0 }, "a positive number"),
  ),
  weightDecay: setting(
    "training",
    "λ of weight decay, L2 (decoupled for AdamW); 0 for none",
    real({ min: 0 }, "a number of 0 or more"),
  ),
  labelSmoothing: setting(
    "training",
    "ε of label smoothing: train towards (1 − ε) on the true class and ε spread over all classes; 0 for none",
    real({ min: 0, lessThan: 1 }, "a number from 0 up to 1"),
  ),
  maxNorm: setting(
    "training",
    "c of max-norm: after every step each unit's incoming weights are scaled back to length c when longer; 0 for none",
    real({ min: 0 }, "a number of 0 or more"),
  ),
  schedule: setting("training", "how the learning rate changes over the epochs", oneOf(SCHEDULES)),
  stepEvery: setting("training", 'epochs between the drops of the "step" schedule', integer(1)),
  stepFactor: setting(
    "training",
    'what each drop of the "step" schedule multiplies the rate by',
    real({ greaterThan: 0, lessThan: 1 }, "a number between 0 and 1"),
  ),
  warmupEpochs: setting(
    "training",
    "epochs of linear warm-up from η/(warm-up epochs + 1) to η before the schedule starts",
    integer(0),
  ),
  validationSplit: setting(
    "training",
    "share of the training images held out to validate on (never the test set); 0 for none",
    real({ min: 0, lessThan: 0.5 }, "a number from 0 up to 0.5"),
  ),
  earlyStopping: setting(
    "training",
    "stop after this many epochs without a better validation loss, and keep the best epoch; 0 for never",
    integer(0),
  ),
  augment: setting(
    "augmentation",
    "distort each training image afresh every epoch",
    oneOf(AUGMENTS),
  ),
  shift: setting(
    "augmentation",
    "largest shift, in pixels",
    real({ min: 0, lessThan: 14 }, "a number from 0 up to 14"),
  ),
  rotation: setting(
    "augmentation",
    "largest rotation, in degrees",
    real({ min: 0, lessThan: 90 }, "a number from 0 up to 90"),
  ),
  scale: setting(
    "augmentation",
    "largest change of size, as a share (0.1: 90% to 110%)",
    real({ min: 0, lessThan: 0.5 }, "a number from 0 up to 0.5"),
  ),
  shear: setting(
    "augmentation",
    "largest shear, in degrees",
    real({ min: 0, lessThan: 45 }, "a number from 0 up to 45"),
  ),
  elasticAlpha: setting(
    "augmentation",
    "α of the elastic distortion (Simard's): the smoothed noise is scaled by it",
    // Past a thousand, pixels would be fetched from hundreds of images' widths away: blank.
    real({ min: 0, max: 1000 }, "a number from 0 to 1000"),
  ),
  elasticSigma: setting(
    "augmentation",
    "σ of the elastic distortion: how smooth the displacement field is, in pixels",
    // The blur's kernel spans 6σ: past the image's 28 pixels it only costs time (minutes).
    real({ greaterThan: 0, max: 28 }, "a positive number up to 28 (the image's width)"),
  ),
  mirror: setting(
    "augmentation",
    "the chance of flipping each training image left to right (for clothes; a mirrored digit is no digit)",
    real({ min: 0, max: 1 }, "a number from 0 to 1"),
  ),
  erase: setting(
    "augmentation",
    "the chance of erasing a random rectangle (2% to 40%) of each training image to noise",
    real({ min: 0, max: 1 }, "a number from 0 to 1"),
  ),
  engine: setting(
    "engine",
    "who does the arithmetic (auto: native if a C compiler is found, else WebAssembly)",
    oneOf(ENGINE_NAMES),
  ),
  threads: setting(
    "engine",
    "threads of the native and WebAssembly engines; results do not depend on it",
    orWord(integer(1, MAX_THREADS), "auto", "every core"),
  ),
};
