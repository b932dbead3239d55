/**
 * From settings to a run: the data they call for and the network they describe. Shared by
 * notebooks 06 and 07 and `deno task train`.
 *
 * @module
 */

import { datasetSpec } from "../data/dataset_specs.ts";
import { loadDataset } from "../data/datasets.ts";
import {
  balancedSubset,
  type Examples,
  normalizeImages,
  takeExamples,
  trainValidationSplit,
} from "../data/preprocess.ts";
import { describeEngineChoice } from "../engines/registry.ts";
import { defaultInit, type InitOption } from "../nn/init.ts";
import { parseLayers } from "../nn/layers/spec.ts";
import { createSequential } from "../nn/sequential.ts";
import { createNetwork } from "../nn/mlp.ts";
import { layerSizes, type RunSettings } from "./settings.ts";
import type { EpochRecord } from "../train/records.ts";
import type { Network } from "../nn/network.ts";

/** A model as saved (`saveModel` in eval/model_file.ts) and exported: the network and what is known about how it came to be. */
export interface SavedModel {
  network: Network;
  /** The settings it was trained with: data set, network, training, engine. */
  settings: RunSettings;
  history: EpochRecord[];
  createdAt?: string;
  /** A committee's members, `network` first (a committee file); undefined for one network. */
  committee?: Network[];
}

/** The data a run trains and is tested on. */
export interface RunData {
  train: Examples;
  /** Held out of the training images when the settings ask (`validationSplit`), to validate on. */
  validation?: Examples;
  test: Examples;
  classNames: readonly string[];
  title: string;
}

/**
 * Loads, normalises and (when the settings ask) subsets the data of a run.
 *
 * @returns the training and test examples, the class names and the data set's title
 */
export async function loadRunData(settings: RunSettings): Promise<RunData> {
  const data = await loadDataset(settings.dataset);
  let train = normalizeImages(data.train);
  if (settings.balancedPerClass !== "all") {
    train = balancedSubset(train, settings.balancedPerClass, {
      seed: settings.seed,
      classes: data.classNames.length,
    });
  }
  if (settings.limitTrainingRows !== "all" && settings.limitTrainingRows < train.labels.length) {
    train = takeExamples(train, Array.from({ length: settings.limitTrainingRows }, (_, i) => i));
  }
  let validation: Examples | undefined;
  if (settings.validationSplit > 0) {
    ({ train, validation } = trainValidationSplit(train, settings.validationSplit, settings.seed));
  }
  return {
    train,
    validation,
    test: normalizeImages(data.test),
    classNames: data.classNames,
    title: data.title,
  };
}

/**
 * The untrained network that settings describe, with seeded weights.
 *
 * @returns a network of sizes [784, ...hiddenSizes, classes]
 * @example
 * ```ts
 * import { networkFor, resolveSettings } from "../mod.ts";
 * networkFor(resolveSettings("assignment")).sizes; // [784, 128, 64, 10]
 * ```
 */
export function networkFor(settings: RunSettings): Network {
  const classes = datasetSpec(settings.dataset).classNames.length;
  const init = (activation: string): InitOption =>
    settings.init === "auto"
      ? defaultInit(activation)
      : settings.init === "normal"
      ? { kind: "normal", std: settings.initStd }
      : settings.init;
  if (settings.layers.trim() !== "") {
    const layers = parseLayers(settings.layers);
    const first = layers.find((layer) => layer.type === "activation");
    return createSequential({
      layers,
      classes,
      init: init(first?.type === "activation" ? first.activation : "relu"),
      seed: settings.seed,
    });
  }
  return createNetwork({
    sizes: layerSizes(settings, 784, classes),
    hidden: settings.activation,
    init: init(settings.activation),
    seed: settings.seed,
  });
}

/**
 * Which engine a run uses and why, in words.
 *
 * @returns "native (gcc 12.2.0, AVX-512) on 2 threads", or "WebAssembly SIMD (…) on 2 threads
 *   (WebAssembly: no C compiler found …)", for instance
 */
export function describeEngine(settings: Pick<RunSettings, "engine" | "threads">): Promise<string> {
  return describeEngineChoice(
    settings.engine,
    settings.threads === "auto" ? undefined : settings.threads,
  );
}

/**
 * A run in one line: "784-128-64-10 sigmoid, 100 epochs, batch 128, momentum (μ 0.9), η 0.1
 * cosine, weight decay 0.0001".
 *
 * @returns the line
 */
export function describeRun(settings: RunSettings): string {
  const optimizer = settings.optimizer === "momentum"
    ? `momentum (μ ${settings.momentum})`
    : settings.optimizer;
  const network = settings.layers.trim() !== ""
    ? `${settings.layers.trim()} dense(classes)`
    : `${layerSizes(settings).join("-")} ${settings.activation}`;
  return `${network}, ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"}, ` +
    `batch ${settings.batchSize}, ${optimizer}, η ${settings.learningRate} ${settings.schedule}, ` +
    `weight decay ${settings.weightDecay}` +
    (settings.limitTrainingRows === "all"
      ? ""
      : `, the first ${settings.limitTrainingRows.toLocaleString("en-US")} training images`);
}
