/**
 * Activation functions, applied element-wise into a caller-supplied output: the sigmoid of the
 * assignment's hidden layers; tanh, ReLU and SiLU for experiments; and the row-wise softmax of the
 * output layer. Each hidden activation's derivative is computed from the pre-activation z, which
 * backpropagation keeps.
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";

/** The hidden-layer activations a network may use. */
export const ACTIVATIONS = ["sigmoid", "relu", "tanh", "silu"] as const;

/**
 * One of {@linkcode ACTIVATIONS}: sigmoid σ(z) = 1/(1 + e^−z); tanh; ReLU max(0, z); SiLU z·σ(z)
 * (Elfwing et al., 2018; also called swish), a smooth ReLU that lets a little negative signal
 * through.
 */
export type ActivationName = typeof ACTIVATIONS[number];

/**
 * σ(z) = 1 / (1 + e^(−z)), computed so that e^x never overflows: finite for z = ±1000.
 *
 * @returns σ(z), in [0, 1]
 */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * σ'(z) = σ(z)(1 − σ(z)).
 *
 * @returns σ'(z), at most 1/4
 */
export function sigmoidDerivative(z: number): number {
  const s = sigmoid(z);
  return s * (1 - s);
}

/**
 * out = f(z) element-wise, for a hidden activation f; out may be z itself.
 *
 * @returns `out`, holding f(z)
 */
export function activate(name: ActivationName, z: Float32Array, out: Float32Array): Float32Array {
  const n = z.length;
  switch (name) {
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const v = z[i];
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return out;
    case "relu":
      for (let i = 0; i < n; i++) out[i] = z[i] > 0 ? z[i] : 0;
      return out;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(z[i]);
      return out;
    case "silu":
      for (let i = 0; i < n; i++) out[i] = z[i] * sigmoid(z[i]);
      return out;
  }
}

/**
 * delta ⊙= f'(z), in place: σ' = σ(1 − σ), tanh' = 1 − tanh², ReLU' = 1 where z > 0 (else 0),
 * SiLU' = σ(z)(1 + z(1 − σ(z))).
 *
 * @param z the pre-activations the forward pass kept
 * @returns `delta`
 * @example
 * ```ts
 * import { multiplyByDerivative } from "./activations.ts";
 * multiplyByDerivative("sigmoid", new Float32Array([0]), new Float32Array([2])); // [0.5]
 * ```
 */
export function multiplyByDerivative(
  name: ActivationName,
  z: Float32Array,
  delta: Float32Array,
): Float32Array {
  const n = delta.length;
  switch (name) {
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const s = sigmoid(z[i]);
        delta[i] *= s * (1 - s);
      }
      return delta;
    case "relu":
      for (let i = 0; i < n; i++) if (z[i] <= 0) delta[i] = 0;
      return delta;
    case "tanh":
      for (let i = 0; i < n; i++) {
        const t = Math.tanh(z[i]);
        delta[i] *= 1 - t * t;
      }
      return delta;
    case "silu":
      for (let i = 0; i < n; i++) {
        const s = sigmoid(z[i]);
        delta[i] *= s * (1 + z[i] * (1 - s));
      }
      return delta;
  }
}

/**
 * Row-wise softmax: softmax(z)ᵢ = e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z). Subtracting the row's maximum
 * changes nothing mathematically and keeps e^x ≤ 1, so logits of ±1000 stay finite.
 * out may be z itself.
 *
 * @returns `out`, each row non-negative and summing to 1
 */
export function softmaxRows(z: Matrix, out: Matrix): Matrix {
  const n = z.cols, Z = z.data, P = out.data;
  for (let i = 0; i < z.rows; i++) {
    const row = i * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (Z[row + j] > max) max = Z[row + j];
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(Z[row + j] - max);
      P[row + j] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let j = 0; j < n; j++) P[row + j] *= inverse;
  }
  return out;
}
