/**
 * A handwritten-digit classifier from scratch, on typed arrays. The notebooks import everything
 * from here; the folders show how it is built, each importing only itself and the ones above it in
 * this table (tests/imports_test.ts holds them to it, and to no import cycle):
 *
 * | folder         | what is there                                                                 |
 * | -------------- | ----------------------------------------------------------------------------- |
 * | `nn/`          | the maths, in notebook order: `nn/network.ts` the core types (a network is the MLP or a sequential network, by `kind`), matrices, the seeded generator, kernels, activations, the loss, initialisation, the MLP and its two passes, the gradient check, the model interface, optimizers and schedules, max-norm; `nn/layers/` the layers of a sequential network (convolution, pooling, flatten, dense, activation, dropout), each with its forward and backward pass |
 * | `data/`        | the IDX reader, the data sets and their sources, preprocessing, safe file writes |
 * | `engines/`     | who does the arithmetic: the reference TypeScript, and C compiled to WebAssembly |
 * | `train/`       | the training loop, the checks of its options, and what it reports              |
 * | `run/`         | the settings of a run, the presets, and settings → data and network            |
 * | `export/`      | the network out to ONNX and safetensors, and back in from PyTorch's safetensors |
 * | `eval/`        | metrics, classifying, evaluating a network, model files                        |
 * | `show/`        | figures, tables, text, live outputs and what only Jupyter's kernel has; in four rooms, below |
 *
 * `show/` has four rooms. At its top, the primitives every figure is built from: `figure` (renders
 * inline, saves as SVG or PNG), `figure_key`, `png`, `html` (escaping), `table` (the table every
 * step's tables are built on) and `display` (`text`, `check`). Figures are named one way, by
 * where they belong:
 *
 * - `show/figures/<notebook>.ts` holds one notebook's own figures and tables, named after it:
 *   `figures/acquire.ts` is `notebooks/01-acquire.ipynb`'s, `figures/feed_forward.ts` is
 *   `04-feed-forward`'s; `figures/evaluate.ts` (07) is also what `deno task train` saves.
 * - `show/charts/<kind>.ts` holds a kind of chart that any notebook may draw, named after what it
 *   draws: `digits`, `histograms`, `network` (the network at work), `evaluation` (history,
 *   confusion, ROC), `examples`, `runs` (several runs side by side).
 *
 * `show/jupyter/` is the only code that knows the kernel (`show`, live outputs, live training), and
 * `show/page/` is what runs in the browser (the drawing pad and its forward pass). Imports go one
 * way: charts use the primitives, figures use charts and the primitives, and `jupyter/` and
 * `page/` sit on top (nothing else in `show/` imports them).
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

export * from "./nn/matrix.ts";
export * from "./nn/random.ts";
export * from "./nn/kernels.ts";
export * from "./nn/activations.ts";
export * from "./nn/loss.ts";
export * from "./nn/init.ts";
export * from "./nn/network.ts";
export * from "./nn/mlp.ts";
export * from "./nn/backprop.ts";
export * from "./nn/gradient_check.ts";
export * from "./nn/dropout.ts";
export * from "./nn/model.ts";
export * from "./nn/optimizers.ts";
export * from "./nn/schedules.ts";
export * from "./nn/max_norm.ts";
export * from "./nn/saturation.ts";
export * from "./nn/compare_networks.ts";
export * from "./nn/layers/layer.ts";
export * from "./nn/layers/spec.ts";
export * from "./nn/layers/conv2d.ts";
export * from "./nn/layers/maxpool.ts";
export * from "./nn/layers/flatten.ts";
export * from "./nn/layers/dense.ts";
export * from "./nn/layers/activation.ts";
export * from "./nn/layers/dropout.ts";
export * from "./nn/layers/batchnorm.ts";
export * from "./nn/sequential.ts";
export * from "./nn/check_network.ts";
export * from "./nn/layers/check_every_layer.ts";

export * from "./data/idx.ts";
export * from "./data/files.ts";
export * from "./data/dataset_specs.ts";
export * from "./data/datasets.ts";
export * from "./data/preprocess.ts";
export * from "./data/augment.ts";
export * from "./data/inspect.ts";
export * from "./data/own_digit.ts";
export * from "./data/image_file.ts";
export * from "./data/image_header.ts";
export * from "./data/limits.ts";
export * from "./data/read_capped.ts";

export * from "./engines/engine.ts";
export * from "./engines/registry.ts";
export { defaultThreads } from "./engines/wasm_threads.ts";

export * from "./train/records.ts";
export * from "./train/options.ts";
export * from "./train/loop.ts";
export * from "./train/divergence.ts";

export * from "./eval/metrics.ts";
export * from "./eval/predict.ts";
export * from "./eval/classify_image.ts";
export * from "./eval/evaluate.ts";
export * from "./eval/model_file.ts";
export * from "./eval/committee.ts";
export * from "./eval/test_time_augmentation.ts";
export * from "./eval/agreement.ts";

export * from "./export/torch_layout.ts";
export * from "./export/safetensors.ts";
export * from "./export/metadata.ts";
export * from "./export/onnx.ts";
export * from "./export/export_model.ts";
export * from "./export/import_safetensors.ts";

export * from "./run/settings.ts";
export * from "./run/network_cost.ts";
export * from "./run/presets.ts";
export * from "./run/experiment.ts";

export * from "./nn/layer_statistics.ts";
export * from "./data/displacement.ts";
export * from "./train/variants.ts";
export * from "./train/sweep.ts";

// show/: the primitives, the chart kinds, each notebook's figures and tables, Jupyter, the page.
export * from "./show/figure.ts";
export * from "./show/figure_key.ts";
export * from "./show/png.ts";
export * from "./show/table.ts";
export * from "./show/display.ts";

export * from "./show/charts/digits.ts";
export * from "./show/charts/histograms.ts";
export * from "./show/charts/network.ts";
export * from "./show/charts/evaluation.ts";
export * from "./show/charts/examples.ts";
export * from "./show/charts/runs.ts";

export * from "./show/figures/acquire.ts";
export * from "./show/figures/preprocess.ts";
export * from "./show/figures/init.ts";
export * from "./show/figures/feed_forward.ts";
export * from "./show/figures/backprop.ts";
export * from "./show/figures/train.ts";
export * from "./show/figures/evaluate.ts";
export * from "./show/figures/experiments.ts";
export * from "./show/figures/augmentation.ts";
export * from "./show/figures/cnn.ts";
export * from "./show/figures/draw.ts";
export * from "./show/figures/how_far.ts";

export * from "./show/jupyter/kernel.ts";
export * from "./show/jupyter/show.ts";
export * from "./show/jupyter/live.ts";
export * from "./show/jupyter/train_live.ts";
export * from "./show/jupyter/experiment_live.ts";

export * from "./show/page/page_model.ts";
export * from "./show/page/draw_digit.ts";
