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
