/**
 * One training run from end to end, shared by notebook 06, notebook 07 and `deno task train`:
 * settings from a preset and overrides, the data they call for, and the evaluation report and
 * figures of a trained network.
 *
 * @module
 */

import type { ActivationName } from "../nn/activations.ts";
import { defaultThreads } from "../engines/wasm.ts";
import { loadDataset } from "../data/datasets.ts";
import { confusionHeatmap, historyChart, rocChart } from "../show/eval_plots.ts";
import type { Figure } from "../show/figure.ts";
import {
  type ClassScores,
  classScores,
  confusionMatrix,
  oneVsRestRoc,
  predictions,
} from "../eval/metrics.ts";
import type { InitOption } from "../nn/mlp.ts";
import type { Network } from "../nn/mlp.ts";
import {
  balancedSubset,
  type Examples,
  normalizeImages,
  takeExamples,
} from "../data/preprocess.ts";
import { preset, type TrainingSettings } from "./presets.ts";
import { crossEntropy } from "../nn/loss.ts";
import { classify, type EpochRecord } from "../nn/train.ts";
import type { Matrix } from "../nn/matrix.ts";
import { unitImages } from "../show/network_plots.ts";

/** Everything that defines a run: a preset's network and training settings, and the data. */
export interface RunSettings extends TrainingSettings {
  preset: string;
  dataset: string;
  sizes: number[];
  hidden: ActivationName;
  init: InitOption;
  seed: number;
  /** "fast" (WebAssembly SIMD, the default) or "reference" (the TypeScript kernels). */
  kernels: "fast" | "reference";
  /** Threads of the fast path, or null for every core (up to 4). Results do not depend on it. */
  threads: number | null;
  /** Train on this many images per class (a balanced subset), or on all. */
  balancedPerClass: number | null;
  /** Train on only the first this-many training images (after any subset), for quick runs. */
  limitTrainingRows: number | null;
}

/** Overrides of a preset; `null` or `undefined` keeps the preset's value. */
export type RunOverrides = { [K in keyof RunSettings]?: RunSettings[K] | null };

/**
 * A preset's settings with overrides applied.
 *
 * @example
 * ```ts
 * resolveSettings("assignment", { epochs: 5 }); // the assignment preset, for 5 epochs
 * ```
 */
export function resolveSettings(presetName: string, overrides: RunOverrides = {}): RunSettings {
  const base = preset(presetName);
  const settings: RunSettings = {
    preset: base.name,
    dataset: "mnist",
    sizes: base.network.sizes,
    hidden: base.network.hidden,
    init: base.network.init,
    seed: base.network.seed,
    ...base.training,
    balancedPerClass: base.balancedPerClass ?? null,
    limitTrainingRows: null,
    kernels: "fast",
    threads: null,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in settings)) {
      throw new RangeError(
        `Unknown setting "${key}": expected one of ${Object.keys(settings).join(", ")}`,
      );
    }
    if (value !== null && value !== undefined) {
      (settings as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return settings;
}

/** Which kernels a run uses, in words: "fast (WebAssembly SIMD) kernels on 2 threads". */
export function describeKernels(settings: Pick<RunSettings, "kernels" | "threads">): string {
  if (settings.kernels === "reference") {
    return "reference TypeScript kernels (lib/kernels.ts) on 1 thread";
  }
  const threads = settings.threads ?? defaultThreads();
  return `fast WebAssembly SIMD kernels (lib/fast/) on ${threads} thread${
    threads === 1 ? "" : "s"
  }`;
}

/** The data a run trains and is tested on. */
export interface RunData {
  train: Examples;
  test: Examples;
  classNames: readonly string[];
  title: string;
}

/** Loads, normalises and (when the settings ask) subsets the data of a run. */
export async function loadRunData(settings: RunSettings): Promise<RunData> {
  const data = await loadDataset(settings.dataset);
  let train = normalizeImages(data.train);
  if (settings.balancedPerClass) {
    train = balancedSubset(train, settings.balancedPerClass, {
      seed: settings.seed,
      classes: data.classNames.length,
    });
  }
  if (settings.limitTrainingRows && settings.limitTrainingRows < train.labels.length) {
    train = takeExamples(train, Array.from({ length: settings.limitTrainingRows }, (_, i) => i));
  }
  return {
    train,
    test: normalizeImages(data.test),
    classNames: data.classNames,
    title: data.title,
  };
}

/** How well a network does on one set of examples. */
export interface SetReport {
  examples: number;
  accuracy: number;
  loss: number;
  confusion: number[][];
  perClass: ClassScores[];
}

/** The numbers of an evaluation: training and test sets, and the test set's AUC per class. */
export interface EvaluationReport {
  train: SetReport;
  test: SetReport;
  auc: number[];
}

/** Which kernels and threads an evaluation uses. */
type KernelChoice = { kernels?: "fast" | "reference"; threads?: number };

async function setReport(
  network: Network,
  examples: Examples,
  kernels: KernelChoice,
): Promise<SetReport & { probabilities: Matrix }> {
  const probabilities = await classify(network, examples.images, kernels);
  const { predicted } = predictions(probabilities);
  const confusion = confusionMatrix(predicted, examples.labels, network.sizes.at(-1));
  const correct = confusion.reduce((n, row, c) => n + row[c], 0);
  return {
    examples: examples.labels.length,
    accuracy: correct / examples.labels.length,
    loss: crossEntropy(probabilities, examples.labels),
    confusion,
    perClass: classScores(confusion),
    probabilities,
  };
}

/**
 * Evaluates a trained network on the training and the test set and draws the figures the
 * reference notebook shows, keyed by file name; also returns the test set's softmax outputs.
 */
export async function evaluateRun(
  network: Network,
  data: RunData,
  history: EpochRecord[],
  options: { title: string } & KernelChoice,
): Promise<
  { report: EvaluationReport; figures: Record<string, Figure>; testProbabilities: Matrix }
> {
  const kernels = { kernels: options.kernels, threads: options.threads };
  const { probabilities: _trainProbabilities, ...train } = await setReport(
    network,
    data.train,
    kernels,
  );
  const { probabilities, ...test } = await setReport(network, data.test, kernels);
  const roc = oneVsRestRoc(probabilities, data.test.labels);
  const report = { train, test, auc: roc.map((r) => r.auc) };
  const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
  const figures: Record<string, Figure> = {
    "confusion-train": confusionHeatmap(train.confusion, {
      classNames: data.classNames,
      title: `Confusion matrix, training set (${train.examples.toLocaleString("en")} images)`,
      subtitle: `accuracy ${percent(train.accuracy)}; the diagonal (green) is correct`,
    }),
    "confusion-test": confusionHeatmap(test.confusion, {
      classNames: data.classNames,
      title: `Confusion matrix, test set (${test.examples.toLocaleString("en")} images)`,
      subtitle: `accuracy ${percent(test.accuracy)}; the diagonal (green) is correct`,
    }),
    "roc-test": rocChart(
      roc.map((r) => ({ name: data.classNames[r.classIndex], auc: r.auc, points: r.points })),
      {
        title: "One-vs-rest ROC curves on the test set",
      },
    ),
    "first-layer-weights": unitImages(network.weights[0], {
      title: "What the first hidden units look for: their weights as 28×28 images",
      units: 32,
    }),
  };
  if (history.length) figures["history"] = historyChart(history, { title: options.title });
  return { report, figures, testProbabilities: probabilities };
}
