/**
 * How good a trained network is: accuracy, loss, the confusion matrix and per-class scores on the
 * training and the test set, and the test set's ROC curves.
 *
 * @module
 */

import type { Examples } from "../data/preprocess.ts";
import type { EngineName } from "../engines/engine.ts";
import { crossEntropy } from "../nn/loss.ts";
import type { Matrix } from "../nn/matrix.ts";
import {
  type ClassScores,
  classScores,
  confusionMatrix,
  oneVsRestRoc,
  predictions,
} from "./metrics.ts";
import { classifyCommittee } from "./committee.ts";
import type { Network } from "../nn/network.ts";

/** How well a network does on one set of examples. */
export interface SetReport {
  examples: number;
  accuracy: number;
  loss: number;
  confusion: number[][];
  perClass: ClassScores[];
}

/** An evaluation: the training and test sets, the test set's ROC curves and probabilities. */
export interface Evaluation {
  train: SetReport;
  test: SetReport;
  /** One-vs-rest ROC curve and AUC of each class, on the test set. */
  roc: ReturnType<typeof oneVsRestRoc>;
  /** The test set's softmax outputs, rows × classes. */
  testProbabilities: Matrix;
}

/** Which engine classifies, on how many threads. */
export type EngineChoice = { engine?: EngineName; threads?: number | "auto" };

/**
 * Evaluates `network` (or a committee's members, their probabilities averaged) on one set of
 * examples.
 *
 * @returns the report and the softmax outputs it came from
 */
export async function evaluateSet(
  network: Network | Network[],
  examples: Examples,
  engine: EngineChoice = {},
): Promise<SetReport & { probabilities: Matrix }> {
  const members = Array.isArray(network) ? network : [network];
  const probabilities = await classifyCommittee(members, examples.images, engine);
  const { predicted } = predictions(probabilities);
  const confusion = confusionMatrix(predicted, examples.labels, members[0].sizes.at(-1));
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
 * Evaluates a trained network (or a committee's members) on its training and test sets.
 *
 * @returns both sets' reports, the test set's ROC curves and its softmax outputs
 */
export async function evaluateNetwork(
  network: Network | Network[],
  data: { train: Examples; test: Examples },
  engine: EngineChoice = {},
): Promise<Evaluation> {
  const { probabilities: _, ...train } = await evaluateSet(network, data.train, engine);
  const { probabilities, ...test } = await evaluateSet(network, data.test, engine);
  return {
    train,
    test,
    roc: oneVsRestRoc(probabilities, data.test.labels),
    testProbabilities: probabilities,
  };
}
