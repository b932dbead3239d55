/**
 * Categorical cross-entropy, the assignment's loss: L = −(1/m) Σᵢ log pᵢ,yᵢ, the mean negative
 * log-probability the network gives each example's true class (the one-hot target picks it out);
 * and how many rows a batch's probabilities get right, which the training loop reports beside it.
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
 *
 * @returns the mean loss, finite even for a probability of 0
 */
export function crossEntropy(probabilities: Matrix, labels: ArrayLike<number>): number {
  const n = probabilities.cols, P = probabilities.data;
  let sum = 0;
  for (let i = 0; i < probabilities.rows; i++) {
    sum -= Math.log(Math.max(P[i * n + labels[i]], MIN_PROBABILITY));
  }
  return sum / probabilities.rows;
}

/**
 * How many of the first `rows` rows have their largest entry at the label.
 *
 * @returns how many rows are right
 */
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

/**
 * The column of row i's largest entry (the first, on ties).
 *
 * @returns the column index of the row's largest entry
 */
export function argmaxRow(m: Matrix, i: number): number {
  const n = m.cols, row = i * n, D = m.data;
  let best = 0;
  for (let j = 1; j < n; j++) if (D[row + j] > D[row + best]) best = j;
  return best;
}
