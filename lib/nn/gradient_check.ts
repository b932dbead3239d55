/**
 * The trusted reference for backpropagation: central finite differences. Nudge one parameter by
 * ±ε, recompute the loss, and compare (L(θ + ε) − L(θ − ε)) / 2ε with what `backprop` says.
 *
 * @module
 */

import { crossEntropy } from "./loss.ts";
import type { Matrix } from "./matrix.ts";
import { backprop, feedForward } from "./backprop.ts";
import { cloneNetwork, type Network } from "./mlp.ts";

/**
 * Below this size, gradients are compared by absolute error: Float32 round-off in the loss, divided
 * by 2ε, is about 1e-5, which would swamp the relative error of a gradient of 1e-5.
 */
export const GRADIENT_FLOOR = 1e-3;

/** The worst disagreement found in one layer. */
export interface LayerCheck {
  layer: number;
  /** "weights" or "biases". */
  parameters: "weights" | "biases";
  checked: number;
  /** The largest |analytic − numeric| / max(|analytic| + |numeric|, GRADIENT_FLOOR). */
  worstRelativeError: number;
  worstAbsoluteError: number;
}

/**
 * Compares `backprop` with central differences for every parameter of a (small) network, or for
 * `samplesPerLayer` seeded picks per layer on a big one.
 *
 * @param network the network (not changed)
 * @param x a batch
 * @param labels its labels
 * @param options `epsilon` (default 1e-2, suited to Float32), `samplesPerLayer` (default: all)
 * @returns one row per layer and parameter kind
 */
export function gradientCheck(
  network: Network,
  x: Matrix,
  labels: ArrayLike<number>,
  options: { epsilon?: number; samplesPerLayer?: number; gradients?: ReturnType<typeof backprop> } =
    {},
): LayerCheck[] {
  const epsilon = options.epsilon ?? 1e-2;
  const probe = cloneNetwork(network);
  const analytic = options.gradients ?? backprop(probe, x, labels);
  const loss = () => crossEntropy(feedForward(probe, x), labels);
  const rows: LayerCheck[] = [];
  const compare = (
    layer: number,
    parameters: "weights" | "biases",
    values: Float32Array,
    gradient: Float32Array,
  ) => {
    const count = Math.min(values.length, options.samplesPerLayer ?? values.length);
    const stride = values.length / count;
    let worstRelativeError = 0, worstAbsoluteError = 0;
    for (let s = 0; s < count; s++) {
      const i = Math.floor(s * stride);
      const original = values[i];
      values[i] = original + epsilon;
      const plus = loss();
      values[i] = original - epsilon;
      const minus = loss();
      values[i] = original;
      // The step actually taken in Float32, not the ε asked for.
      const numeric = (plus - minus) /
        (Math.fround(original + epsilon) - Math.fround(original - epsilon));
      const difference = Math.abs(numeric - gradient[i]);
      worstAbsoluteError = Math.max(worstAbsoluteError, difference);
      worstRelativeError = Math.max(
        worstRelativeError,
        difference / Math.max(Math.abs(numeric) + Math.abs(gradient[i]), GRADIENT_FLOOR),
      );
    }
    rows.push({ layer, parameters, checked: count, worstRelativeError, worstAbsoluteError });
  };
  probe.weights.forEach((w, l) => {
    compare(l, "weights", w.data, analytic.gradWeights[l].data);
    compare(l, "biases", probe.biases[l], analytic.gradBiases[l]);
  });
  return rows;
}
