/**
 * Step 7's measures of a classifier: accuracy, predictions with their confidence, the confusion matrix,
 * precision, recall and F1 per class, and one-vs-rest ROC curves with their AUC.
 *
 * @module
 */

import { argmaxRow, countCorrect } from "../nn/loss.ts";
import type { Matrix } from "../nn/matrix.ts";

export { argmaxRow, countCorrect };

/**
 * The share of rows whose largest probability is at the label.
 *
 * @returns a share from 0 to 1
 */
export function accuracy(probabilities: Matrix, labels: ArrayLike<number>): number {
  return probabilities.rows === 0 ? 0 : countCorrect(probabilities, labels) / probabilities.rows;
}

/**
 * The predicted class of every row and the probability given to it.
 *
 * @returns the predicted class of every row, and the probability given to it
 */
export function predictions(
  probabilities: Matrix,
): { predicted: Uint8Array; confidence: Float32Array } {
  const predicted = new Uint8Array(probabilities.rows);
  const confidence = new Float32Array(probabilities.rows);
  for (let i = 0; i < probabilities.rows; i++) {
    predicted[i] = argmaxRow(probabilities, i);
    confidence[i] = probabilities.data[i * probabilities.cols + predicted[i]];
  }
  return { predicted, confidence };
}

/**
 * The confusion matrix: entry [t][p] counts the examples of true class t predicted as p.
 *
 * @returns classes × classes counts, true class by predicted class
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 1, 0], 2); // [[1, 1], [0, 1]]
 * ```
 */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes = 10,
): number[][] {
  if (predicted.length !== labels.length) {
    throw new RangeError(
      `Cannot count: ${predicted.length} predictions but ${labels.length} labels`,
    );
  }
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) counts[labels[i]][predicted[i]]++;
  return counts;
}

/** Precision, recall, F1 and support of one class. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * Per-class scores from a confusion matrix: precision = TP/(TP+FP), recall = TP/(TP+FN),
 * F1 = their harmonic mean, support = the class's true count. A class never predicted has
 * precision 0 (scikit-learn's convention).
 *
 * @returns one entry of precision, recall, F1 and support per class
 */
export function classScores(confusion: number[][]): ClassScores[] {
  return confusion.map((row, c) => {
    const truePositives = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((sum, r) => sum + r[c], 0);
    const precision = predictedCount ? truePositives / predictedCount : 0;
    const recall = support ? truePositives / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

/** A point of a ROC curve. */
export interface RocPoint {
  falsePositiveRate: number;
  truePositiveRate: number;
}

/**
 * The ROC curve of scores for a yes/no question, and the area under it. Equal scores are taken
 * together (one diagonal step), so the AUC equals the probability that a random positive scores
 * above a random negative, ties counting half.
 *
 * @param scores one score per example, higher meaning "more likely positive"
 * @param positive whether each example is a positive
 *
 * @returns the curve's points, from (0, 0) to (1, 1), and the area under it
 */
export function rocCurve(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
): { points: RocPoint[]; auc: number } {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new RangeError(
        `Cannot draw a ROC curve: expected finite scores, found ${scores[i]} at example ${i}; ` +
          "the network's outputs are not numbers (a damaged or diverged model?)",
      );
    }
  }
  if (positive.length !== scores.length) {
    throw new RangeError(
      `Cannot draw a ROC curve: ${scores.length} scores but ${positive.length} answers`,
    );
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) =>
    scores[b] - scores[a]
  );
  let positives = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) positives++;
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(
      `Cannot draw a ROC curve: expected both positives and negatives, found ${positives} and ${negatives}`,
    );
  }
  const points: RocPoint[] = [{ falsePositiveRate: 0, truePositiveRate: 0 }];
  let tp = 0, fp = 0, auc = 0;
  for (let k = 0; k < order.length;) {
    const score = scores[order[k]];
    const [tpBefore, fpBefore] = [tp, fp];
    for (; k < order.length && scores[order[k]] === score; k++) positive[order[k]] ? tp++ : fp++;
    auc += ((fp - fpBefore) / negatives) * ((tp + tpBefore) / 2 / positives);
    points.push({ falsePositiveRate: fp / negatives, truePositiveRate: tp / positives });
  }
  return { points, auc };
}

/**
 * One-vs-rest ROC curves: class c's probability as the score for "is it c?".
 *
 * @returns one curve with its AUC per class
 */
export function oneVsRestRoc(probabilities: Matrix, labels: ArrayLike<number>) {
  return Array.from({ length: probabilities.cols }, (_, c) => {
    const scores = new Float32Array(probabilities.rows);
    const positive = new Array<boolean>(probabilities.rows);
    for (let i = 0; i < probabilities.rows; i++) {
      scores[i] = probabilities.data[i * probabilities.cols + c];
      positive[i] = labels[i] === c;
    }
    return { classIndex: c, ...rocCurve(scores, positive) };
  });
}

/**
 * Thins a curve to at most `limit` points, keeping the first and last: enough to draw, small
 * enough for a figure.
 *
 * @returns at most `limit` points of the curve
 */
export function thinCurve<T>(points: T[], limit = 300): T[] {
  if (points.length <= limit) return points;
  const step = (points.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, i) => points[Math.round(i * step)]);
}

/**
 * Indices of examples for one class, sorted into the four outcomes of "is it `target`?":
 * true positives, false positives, false negatives and true negatives.
 *
 * @returns the indices of the true and false positives and negatives
 */
export function outcomesFor(
  target: number,
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
): Record<"truePositives" | "falsePositives" | "falseNegatives" | "trueNegatives", number[]> {
  const result = {
    truePositives: [] as number[],
    falsePositives: [] as number[],
    falseNegatives: [] as number[],
    trueNegatives: [] as number[],
  };
  for (let i = 0; i < labels.length; i++) {
    const isTarget = labels[i] === target, saysTarget = predicted[i] === target;
    if (isTarget && saysTarget) result.truePositives.push(i);
    else if (!isTarget && saysTarget) result.falsePositives.push(i);
    else if (isTarget) result.falseNegatives.push(i);
    else result.trueNegatives.push(i);
  }
  return result;
}

/**
 * The examples the classifier got wrong, most confident mistake first.
 *
 * @returns their indices
 */
export function mistakes(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  confidence: ArrayLike<number>,
): number[] {
  return Array.from({ length: labels.length }, (_, i) => i)
    .filter((i) => predicted[i] !== labels[i])
    .sort((a, b) => confidence[b] - confidence[a]);
}

/**
 * The examples the classifier got right, least confident first: the hard cases it still solved.
 *
 * @returns their indices
 */
export function leastSure(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  confidence: ArrayLike<number>,
): number[] {
  return Array.from({ length: labels.length }, (_, i) => i)
    .filter((i) => predicted[i] === labels[i])
    .sort((a, b) => confidence[a] - confidence[b]);
}
