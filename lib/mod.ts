/**
 * A handwritten-digit classifier from scratch, on typed arrays: MNIST loading and preprocessing,
 * a multi-layer perceptron with sigmoid hidden layers and a softmax output, and the figures the
 * step-numbered notebooks show.
 *
 * @example
 * ```ts
 * import { loadDataset, normalizeImages } from "./mod.ts";
 * const mnist = await loadDataset("mnist");
 * const train = normalizeImages(mnist.train); // 60000×784 Float32 in [0, 1]
 * ```
 *
 * @module
 */

export * from "./data/idx.ts";
export * from "./data/files.ts";
export * from "./data/datasets.ts";
export * from "./nn/matrix.ts";
export * from "./nn/random.ts";
export * from "./data/preprocess.ts";
export * from "./show/png.ts";
export * from "./show/figure.ts";
export * from "./show/digit_plots.ts";
export * from "./show/chart_plots.ts";
export * from "./show/tables.ts";
export * from "./show/display.ts";
export * from "./nn/kernels.ts";
export * from "./nn/activations.ts";
export * from "./nn/loss.ts";
export * from "./nn/mlp.ts";
export * from "./nn/gradient_check.ts";
export * from "./show/network_plots.ts";
export * from "./nn/train.ts";
export * from "./eval/model_file.ts";
export * from "./run/presets.ts";
export * from "./eval/metrics.ts";
export * from "./show/eval_plots.ts";
export * from "./show/live.ts";
export * from "./run/experiment.ts";
export { defaultThreads } from "./engines/wasm.ts";
