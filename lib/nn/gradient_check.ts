/**
 * The trusted reference for backpropagation: central finite differences. Nudge one parameter by
 * ±ε, recompute the loss, and compare (L(θ + ε) − L(θ − ε)) / 2ε with what `backprop` says.
 *
 * @module
 */

import { crossEntropy } from "./loss.ts";
import type { Matrix } from "./matrix.ts";
import { backprop, feedForward } from "./backprop.ts";
import { cloneNetwork } from "./mlp.ts";
import type { Layer } from "./layers/layer.ts";
import { Random } from "./random.ts";
import type { MlpNetwork } from "./network.ts";

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
  network: MlpNetwork,
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
    const samples = options.samplesPerLayer ?? values.length;
    rows.push({ layer, parameters, ...compareGradient(values, gradient, loss, epsilon, samples) });
  };
  probe.weights.forEach((w, l) => {
    compare(l, "weights", w.data, analytic.gradWeights[l].data);
    compare(l, "biases", probe.biases[l], analytic.gradBiases[l]);
  });
  return rows;
}

/** How well one array's gradient agrees with central differences. */
export interface GradientAgreement {
  checked: number;
  /** The largest |analytic − numeric| / max(|analytic| + |numeric|, GRADIENT_FLOOR). */
  worstRelativeError: number;
  worstAbsoluteError: number;
}

/**
 * Nudges `samples` evenly spread entries of `values` by ±ε (restoring each), and compares
 * (L(v + ε) − L(v − ε)) / 2ε with `gradient` there.
 *
 * @param loss the loss, recomputed from `values` as they stand
 * @returns the worst disagreements
 */
export function compareGradient(
  values: Float32Array,
  gradient: Float32Array,
  loss: () => number,
  epsilon: number,
  samples = values.length,
): GradientAgreement {
  const count = Math.min(values.length, samples);
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
  return { checked: count, worstRelativeError, worstAbsoluteError };
}

/** One row of {@linkcode layerGradientCheck}: the input's gradient, or one parameter's. */
export interface LayerGradientCheck extends GradientAgreement {
  /** "input", or the parameter's name ("W1", "b1", …). */
  what: string;
}

/**
 * Checks one layer's backward pass against central differences, on its own: the loss is
 * L = Σ r ⊙ y for a fixed random r, so dL/dy = r, and backward(r) must give dL/dx and the
 * parameters' gradients that nudging x and each parameter by ±ε measures. A dropout layer keeps
 * the same masks throughout (one training step).
 *
 * @param layer the layer (its parameters are nudged and restored)
 * @param x a batch of inputs (nudged and restored)
 * @param options `epsilon` (default 1e-2), `samples` per array (default: all), `seed` of r
 * @returns one row for the input and one per parameter array
 * @example
 * ```ts
 * import { layerGradientCheck, MaxPool, matrix } from "../mod.ts";
 * const x = matrix(1, 16, Float32Array.from({ length: 16 }, (_, i) => (i * 7) % 16));
 * const [input] = layerGradientCheck(new MaxPool({ channels: 1, height: 4, width: 4 }, 2), x);
 * input.worstRelativeError < 1e-3; // true
 * ```
 */
export function layerGradientCheck(
  layer: Layer,
  x: Matrix,
  options: { epsilon?: number; samples?: number; seed?: number } = {},
): LayerGradientCheck[] {
  const epsilon = options.epsilon ?? 1e-2;
  const step = { seed: options.seed ?? 695, step: 1 };
  const rows = x.rows, outSize = layer.forward(x, step).cols;
  const r = new Float32Array(rows * outSize);
  new Random(options.seed ?? 695).fillUniform(r, -1, 1);
  const loss = () => {
    const y = layer.forward(x, step);
    let sum = 0;
    for (let i = 0; i < r.length; i++) sum += r[i] * y.data[i];
    return sum;
  };
  const inputGradient = layer.backward({ rows, cols: outSize, data: r }).data.slice(
    0,
    rows * x.cols,
  );
  const parameterGradients = layer.parameters.map((p) => p.gradient.slice());
  const input = { rows, cols: x.cols, data: x.data.subarray(0, rows * x.cols) };
  return [
    {
      what: "input",
      ...compareGradient(input.data, inputGradient, loss, epsilon, options.samples),
    },
    ...layer.parameters.map((p, i) => ({
      what: p.name,
      ...compareGradient(p.value, parameterGradients[i], loss, epsilon, options.samples),
    })),
  ];
}
