/**
 * Max-norm, the weight constraint Srivastava et al. (2014) paired with dropout: after every step,
 * each unit's incoming weights w (a dense unit's column of W, a convolution's filter) are kept
 * inside a ball of radius c,
 *   if ‖w‖₂ > c:  w ← w · c / ‖w‖₂
 * so a large learning rate cannot blow the weights up, while a unit inside the ball is left alone
 * (unlike weight decay, which shrinks every weight every step). Biases are not constrained.
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";
import { isSequential, type Network } from "./network.ts";
import { hasParameters } from "./layers/spec.ts";

/**
 * Scales each column of `w` (rows × cols: one unit per column) whose norm is above `limit` back
 * onto the ball; each norm summed down the rows in order.
 *
 * @returns how many columns were scaled
 * @example
 * ```ts
 * import { fromRows } from "./matrix.ts";
 * import { limitColumnNorms } from "./max_norm.ts";
 * const w = fromRows([[3, 0.1], [4, 0.2]]);
 * limitColumnNorms(w, 1); // 1: the first column, of norm 5, becomes [0.6, 0.8]
 * ```
 */
export function limitColumnNorms(w: Matrix, limit: number): number {
  let scaled = 0;
  for (let c = 0; c < w.cols; c++) {
    let sum = 0;
    for (let r = 0; r < w.rows; r++) sum += w.data[r * w.cols + c] ** 2;
    const norm = Math.sqrt(sum);
    if (norm > limit) {
      const factor = limit / norm;
      for (let r = 0; r < w.rows; r++) w.data[r * w.cols + c] *= factor;
      scaled++;
    }
  }
  return scaled;
}

/**
 * The same for each row of `w` (one unit per row: a convolution's filters × (channels·k·k)).
 *
 * @returns how many rows were scaled
 */
export function limitRowNorms(w: Matrix, limit: number): number {
  let scaled = 0;
  for (let r = 0; r < w.rows; r++) {
    const row = w.data.subarray(r * w.cols, (r + 1) * w.cols);
    let sum = 0;
    for (const v of row) sum += v * v;
    const norm = Math.sqrt(sum);
    if (norm > limit) {
      const factor = limit / norm;
      for (let i = 0; i < row.length; i++) row[i] *= factor;
      scaled++;
    }
  }
  return scaled;
}

/**
 * Max-norm on every weight matrix of `network`, in place: the MLP's and dense layers' columns,
 * convolutions' filters. A limit of 0 leaves the network as it is.
 *
 * @param limit c, the largest norm a unit's incoming weights may have; 0 for none
 * @returns how many units were scaled
 */
export function applyMaxNorm(network: Network, limit: number): number {
  if (limit <= 0) return 0;
  const kinds = isSequential(network)
    ? network.layers.filter(hasParameters).map((layer) => layer.type)
    : network.weights.map(() => "dense");
  let scaled = 0;
  network.weights.forEach((w, l) => {
    // Batch normalisation's γ is a scale per channel, not a unit's incoming weights.
    if (kinds[l] === "batchnorm") return;
    scaled += kinds[l] === "conv" ? limitRowNorms(w, limit) : limitColumnNorms(w, limit);
  });
  return scaled;
}
