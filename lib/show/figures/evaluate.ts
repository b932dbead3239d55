/**
 * The figures of an evaluation, keyed by the file name they are saved under: the history, the
 * confusion matrices, the ROC curves and the first layer's weights.
 *
 * @module
 */

import type { Evaluation } from "../../eval/evaluate.ts";
import type { Network } from "../../nn/mlp.ts";
import type { EpochRecord } from "../../train/records.ts";
import { confusionHeatmap, historyChart, rocChart } from "../charts/evaluation.ts";
import type { Figure } from "../figure.ts";
import { filterImages, unitImages } from "../charts/network.ts";

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

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
  if (network.layers?.find((l) => l.type === "conv" || l.type === "dense")?.type === "conv") {
    figures["first-layer-filters"] = filterImages(network);
  } else if (!network.layers) {
    figures["first-layer-weights"] = unitImages(network.weights[0], {
      title: "What the first hidden units look for: their weights as 28×28 images",
      units: 32,
    });
  }
  if (history.length) figures.history = historyChart(history, { title: options.title });
  return figures;
}
