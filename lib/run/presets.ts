/**
 * Named, reproducible training setups: the assignment's, and the reference notebook's.
 *
 * @module
 */

import type { NetworkOptions } from "../nn/mlp.ts";
import type { Schedule } from "../nn/train.ts";

/** How a preset trains: the settings `train` takes that define a run. */
export interface TrainingSettings {
  epochs: number;
  batchSize: number | "full";
  learningRate: number;
  momentum: number;
  weightDecay: number;
  schedule: Schedule;
}

/** A network and how to train it. */
export interface Preset {
  name: string;
  description: string;
  network: Required<NetworkOptions>;
  training: TrainingSettings;
  /** Train on a balanced subset of this many images per class, instead of all of them. */
  balancedPerClass?: number;
}

/** The presets, by name. */
export const PRESETS: Record<string, Preset> = {
  "assignment": {
    name: "assignment",
    description:
      "the assignment's 784-128-64-10 sigmoid network, uniform init (seed 695), mini-batches of 128, 100 epochs",
    network: { sizes: [784, 128, 64, 10], hidden: "sigmoid", init: "uniform", seed: 695 },
    // Momentum, a cosine-annealed learning rate and a little weight decay: 98.2% where plain
    // gradient descent stops near 98.0% (see the README for the runs).
    training: {
      epochs: 100,
      batchSize: 128,
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 1e-4,
      schedule: "cosine",
    },
  },
  "reference-notebook": {
    name: "reference-notebook",
    description:
      "the reference notebook's 784-256-10 sigmoid network, normal init (std 0.01), full-batch gradient descent on a balanced subset, 100 epochs",
    network: {
      sizes: [784, 256, 10],
      hidden: "sigmoid",
      init: { kind: "normal", std: 0.01 },
      seed: 695,
    },
    training: {
      epochs: 100,
      batchSize: "full",
      // With one step per epoch, 100 steps in all: the largest rate that still descends smoothly.
      learningRate: 2,
      momentum: 0,
      weightDecay: 0,
      schedule: "constant",
    },
    balancedPerClass: 1000,
  },
};

/** The preset called `name`, or an error that lists the known ones. */
export function preset(name: string): Preset {
  const found = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!found) {
    throw new RangeError(
      `Unknown preset "${name}": expected one of ${
        Object.keys(PRESETS).map((n) => `"${n}"`).join(", ")
      }`,
    );
  }
  return structuredClone(found);
}
