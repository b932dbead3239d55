/**
 * The figures and tables of notebook 07, evaluate: the figures of an evaluation, keyed by the file
 * name they are saved under (the history, the confusion matrices, the ROC curves and the first
 * layer's weights; `deno task train` saves the same set), the accuracy and loss of each set, and
 * the scores of each class.
 *
 * @module
 */

import type { Evaluation, SetReport } from "../../eval/evaluate.ts";
import type { ClassScores } from "../../eval/metrics.ts";
import { isSequential, type Network } from "../../nn/network.ts";
import type { EpochRecord } from "../../train/records.ts";
import { confusionHeatmap, historyChart, rocChart } from "../charts/evaluation.ts";
import type { Figure } from "../figure.ts";
import { filterImages, unitImages } from "../charts/network.ts";
import { percent, type Table, table } from "../table.ts";

/**
 * Draws what the reference notebook shows of a trained network.
 *
 * @param options `title` of the history chart, `classNames` of the data set
 * @returns figures by file name: history (when there is one), confusion-train, confusion-test,
 *   roc-test, and first-layer-weights (an MLP) or first-layer-filters (a CNN)
 */
export function evaluationFigures(
  network: Network,
  evaluation: Evaluation,
  history: EpochRecord[],
  options: { title: string; classNames: readonly string[] },
): Record<string, Figure> {
  const { train, test } = evaluation;
  const figures: Record<string, Figure> = {
    "confusion-train": confusionHeatmap(train.confusion, {
      classNames: options.classNames,
      title: `Confusion matrix, training set (${train.examples.toLocaleString("en")} images)`,
      subtitle: `accuracy ${percent(train.accuracy)}; the diagonal (green) is correct`,
    }),
    "confusion-test": confusionHeatmap(test.confusion, {
      classNames: options.classNames,
      title: `Confusion matrix, test set (${test.examples.toLocaleString("en")} images)`,
      subtitle: `accuracy ${percent(test.accuracy)}; the diagonal (green) is correct`,
    }),
    "roc-test": rocChart(
      evaluation.roc.map((r) => ({
        name: options.classNames[r.classIndex],
        auc: r.auc,
        points: r.points,
      })),
      { title: "One-vs-rest ROC curves on the test set" },
    ),
  };
  if (isSequential(network)) {
    if (network.layers.find((l) => l.type === "conv" || l.type === "dense")?.type === "conv") {
      figures["first-layer-filters"] = filterImages(network);
    }
  } else {
    figures["first-layer-weights"] = unitImages(network.weights[0], {
      title: "What the first hidden units look for: their weights as 28×28 images",
      units: 32,
    });
  }
  if (history.length) figures.history = historyChart(history, { title: options.title });
  return figures;
}

/** The file names `evaluationFigures` gives the picture of what the first layer looks for. */
const FIRST_LAYER = ["first-layer-filters", "first-layer-weights"];

/**
 * Of {@linkcode evaluationFigures}' figures, the one of what the first layer looks for: a CNN's
 * first filters, or an MLP's first hidden units' weights as images.
 *
 * @returns its file name and the figure, or undefined when there is none (a sequential network
 *   that opens with a dense layer)
 */
export function firstLayerFigure(figures: Record<string, Figure>): [string, Figure] | undefined {
  const name = FIRST_LAYER.find((n) => figures[n]);
  return name ? [name, figures[name]] : undefined;
}

/**
 * Accuracy and loss of an evaluation's training and test sets.
 *
 * @returns a table of two rows
 */
export function evaluationTable(evaluation: Evaluation): Table {
  return table(
    [["training", evaluation.train], ["test", evaluation.test]].map(([set, r]) => ({
      set: set as string,
      images: (r as SetReport).examples,
      accuracy: (r as SetReport).accuracy,
      loss: (r as SetReport).loss,
    })),
    { accuracy: percent },
  );
}

/**
 * Precision, recall, F1 and support per class, then the macro and support-weighted averages.
 *
 * @returns the table
 */
export function classScoresTable(
  scores: ClassScores[],
  classNames: readonly string[],
): Table {
  const total = scores.reduce((n, s) => n + s.support, 0);
  const average = (weight: (s: ClassScores) => number, key: "precision" | "recall" | "f1") =>
    scores.reduce((sum, s) => sum + weight(s) * s[key], 0);
  const macro = (key: "precision" | "recall" | "f1") => average(() => 1 / scores.length, key);
  const weighted = (key: "precision" | "recall" | "f1") => average((s) => s.support / total, key);
  return table([
    ...scores.map((s, c) => ({
      class: classNames[c],
      precision: s.precision,
      recall: s.recall,
      f1: s.f1,
      support: s.support,
    })),
    {
      class: "macro average",
      precision: macro("precision"),
      recall: macro("recall"),
      f1: macro("f1"),
      support: total,
    },
    {
      class: "weighted average",
      precision: weighted("precision"),
      recall: weighted("recall"),
      f1: weighted("f1"),
      support: total,
    },
  ], { precision: percent, recall: percent, f1: percent });
}
