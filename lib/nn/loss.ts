/**
 * Categorical cross-entropy, the assignment's loss: L = −(1/m) Σᵢ log pᵢ,yᵢ, the mean negative
 * log-probability the network gives each example's true class (the one-hot target picks it out);
 * its gradient at the logits of a softmax, (p − y)/m; label smoothing, which trains towards a
 * target that keeps ε of its weight off the true class; and how many rows a batch's probabilities
 * get right, which the training loop reports beside the loss.
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
 * Mean cross-entropy against label-smoothed targets (Szegedy et al. 2016): with K classes, the
 * target of a row is y′ = (1 − ε)·onehot(y) + ε/K, so a network is never pushed to give its answer
 * probability 1 (and its logits to grow without end):
 *   L = −(1/m) Σᵢ Σₖ y′ᵢₖ log pᵢₖ = −(1/m) Σᵢ [(1 − ε) log pᵢ,yᵢ + (ε/K) Σₖ log pᵢₖ]
 * With ε = 0 this is {@linkcode crossEntropy}.
 *
 * @param smoothing ε, from 0 up to 1
 * @returns the mean loss, finite even for a probability of 0
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import { smoothedCrossEntropy } from "./loss.ts";
 * // A uniform guess over two classes costs log 2 whatever the target.
 * smoothedCrossEntropy(fromRows([[0.5, 0.5]]), [0], 0.1).toFixed(4); // "0.6931"
 * ```
 */
export function smoothedCrossEntropy(
  probabilities: Matrix,
  labels: ArrayLike<number>,
  smoothing: number,
): number {
  if (smoothing === 0) return crossEntropy(probabilities, labels);
  const n = probabilities.cols, P = probabilities.data;
  let sum = 0;
  for (let i = 0; i < probabilities.rows; i++) {
    let logs = 0;
    for (let k = 0; k < n; k++) logs += Math.log(Math.max(P[i * n + k], MIN_PROBABILITY));
    const own = Math.log(Math.max(P[i * n + labels[i]], MIN_PROBABILITY));
    sum -= (1 - smoothing) * own + (smoothing / n) * logs;
  }
  return sum / probabilities.rows;
}

/**
 * The gradient of the (smoothed) cross-entropy with respect to the logits z of a softmax, p =
 * softmax(z): dL/dz = (p − y′)/m, one row per example, y′ the smoothed target of
 * {@linkcode smoothedCrossEntropy}. Written as p/m − ε/(K·m) everywhere and (1 − ε)/m less at the
 * label, so that ε = 0 gives the assignment's (p − y)/m to the last bit.
 *
 * @param delta m×K, filled in (it may be `probabilities` itself)
 * @param smoothing ε; 0 for the plain loss
 */
export function softmaxCrossEntropyGradient(
  probabilities: Matrix,
  labels: ArrayLike<number>,
  delta: Matrix,
  smoothing = 0,
): void {
  const m = probabilities.rows, classes = probabilities.cols, scale = 1 / m;
  const P = probabilities.data, D = delta.data, spread = smoothing * scale / classes;
  for (let i = 0; i < m * classes; i++) D[i] = P[i] * scale;
  if (smoothing > 0) { for (let i = 0; i < m * classes; i++) D[i] -= spread; }
  for (let i = 0; i < m; i++) D[i * classes + labels[i]] -= (1 - smoothing) * scale;
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
