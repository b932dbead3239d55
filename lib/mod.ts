/**
 * A handwritten-digit classifier from scratch, on typed arrays: MNIST loading and preprocessing,
 * a multi-layer perceptron with sigmoid hidden layers and a softmax output, and the figures the
 * step-numbered notebooks show.
 *
 * @example
 * ```ts
 * import { loadDataset, normalizeImages } from "./lib/mod.ts";
 * const mnist = await loadDataset("mnist");
 * const train = normalizeImages(mnist.train); // 60000×784 Float32 in [0, 1]
 * ```
 *
 * @module
 */

export * from "./idx.ts";
export * from "./files.ts";
export * from "./datasets.ts";
export * from "./matrix.ts";
export * from "./random.ts";
export * from "./preprocess.ts";
export * from "./png.ts";
export * from "./figure.ts";
export * from "./digit_plots.ts";
export * from "./chart_plots.ts";
export * from "./tables.ts";
export * from "./display.ts";
export * from "./kernels.ts";
export * from "./activations.ts";
export * from "./loss.ts";
export * from "./network.ts";
export * from "./gradient_check.ts";
export * from "./network_plots.ts";
export * from "./train.ts";
export * from "./model_file.ts";
export * from "./presets.ts";
export * from "./metrics.ts";
export * from "./eval_plots.ts";
export * from "./live.ts";
export * from "./experiment.ts";
export { defaultThreads } from "./fast/fast_mlp.ts";
