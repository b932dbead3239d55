/**
 * Categorical cross-entropy, the assignment's loss: L = −(1/m) Σᵢ log pᵢ,yᵢ, the mean negative
 * log-probability the network gives each example's true class (the one-hot target picks it out).
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";

/** The smallest probability the loss takes the log of: a confident mistake costs ≈ 87, not ∞. */
export const MIN_PROBABILITY = 1e-38;

/**
 * Mean cross-entropy of softmax outputs against class labels. Never takes log(0).
 *
 * @param probabilities m×classes, each row summing to 1
 * @param labels m class indices
 */
export function crossEntropy(probabilities: Matrix, labels: ArrayLike<number>): number {
  const n = probabilities.cols, P = probabilities.data;
  let sum = 0;
  for (let i = 0; i < probabilities.rows; i++) {
    sum -= Math.log(Math.max(P[i * n + labels[i]], MIN_PROBABILITY));
  }
  return sum / probabilities.rows;
}

/** The share of rows whose largest probability is at the label. */
export function accuracy(probabilities: Matrix, labels: ArrayLike<number>): number {
  return probabilities.rows === 0 ? 0 : countCorrect(probabilities, labels) / probabilities.rows;
}

/** How many of the first `rows` rows have their largest entry at the label. */
export function countCorrect(
  probabilities: Matrix,
  labels: ArrayLike<number>,
  rows = probabilities.rows,
): number {
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    if (argmaxRow(probabilities, i) === labels[i]) correct++;
  }
  return correct;
}

/** The column of row i's largest entry (the first, on ties). */
export function argmaxRow(m: Matrix, i: number): number {
  const n = m.cols, row = i * n, D = m.data;
  let best = 0;
  for (let j = 1; j < n; j++) if (D[row + j] > D[row + best]) best = j;
  return best;
}
