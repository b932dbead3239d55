/**
 * What a network will cost, from its settings alone, before anything is allocated: its
 * parameters, and an estimate of the memory its training and classification take (the
 * parameters with their gradients and the rules' state, and a batch's activations and their
 * gradients). Settings past a limit are refused up front, naming the setting and the size.
 *
 * @module
 */

import { datasetSpec } from "../data/dataset_specs.ts";
import { formatAmount, limitOf, pastLimit } from "../data/limits.ts";
import { MAX_KERNEL_BYTES } from "../engines/kernel_layout.ts";
import { defaultThreads } from "../engines/wasm_threads.ts";
import { describeShape, sizeOf } from "../nn/layers/layer.ts";
import { type LayerSpec, parseLayers } from "../nn/layers/spec.ts";
import { MNIST_SHAPE, parameterShapes, shapesOf } from "../nn/sequential.ts";
import type { RunSettings } from "./setting_fields.ts";

/** The rows a fast engine classifies at a time (`kernel_engine.ts`): an MLP's, a CNN's. */
const CLASSIFY_ROWS = { mlp: 1024, sequential: 256 };
/** Training images in the data sets. */
const TRAINING_ROWS = 60_000;

/** A network's cost, as estimated from its settings. */
export interface NetworkCost {
  /** Weights and biases. */
  parameters: number;
  /** Multiply-adds of one image's forward pass (training costs about three times as many). */
  multiplyAdds: number;
  /** The rows of the largest batch it runs (training, or classifying). */
  rows: number;
  /** The estimated bytes of its parameters, their state and a batch's activations. */
  bytes: number;
  /** What sets the network's size, for errors: `hiddenSizes (--hidden-sizes) [2000000]`. */
  named: string;
}

/**
 * The cost of the network that `settings` describe.
 *
 * @returns its parameters, the rows of its largest batch, and its estimated bytes
 * @throws RangeError when its layers do not fit the data set's images, naming the layer
 * @example
 * ```ts
 * import { networkCost, resolveSettings } from "../mod.ts";
 * networkCost(resolveSettings("assignment")).parameters; // 109386
 * networkCost(resolveSettings("speedrun")).multiplyAdds; // 1244160
 * ```
 */
export function networkCost(settings: RunSettings): NetworkCost {
  const classes = datasetSpec(settings.dataset).classNames.length;
  const sequential = settings.layers.trim() !== "";
  let parameters = 0, perRow = 0, multiplyAdds = 0;
  if (sequential) {
    const layers: LayerSpec[] = [...parseLayers(settings.layers), {
      type: "dense",
      units: classes,
    }];
    const shapes = shapesOf(MNIST_SHAPE, layers);
    for (const p of parameterShapes(MNIST_SHAPE, layers)) parameters += p.rows * p.cols + p.biases;
    layers.forEach((layer, i) => {
      const before = i === 0 ? MNIST_SHAPE : shapes[i - 1];
      // Its output and the output's gradient; a convolution also pads its input and gradient.
      perRow += 2 * sizeOf(shapes[i]);
      if (layer.type === "conv") {
        multiplyAdds += sizeOf(shapes[i]) * layer.size * layer.size * before.channels;
      } else if (layer.type === "dense") multiplyAdds += sizeOf(before) * layer.units;
      if (layer.type === "conv") {
        const p = layer.padding, q = layer.size - 1 - p;
        perRow += (before.height + 2 * p) * (before.width + 2 * p) * before.channels;
        perRow += (shapes[i].height + 2 * q) * (shapes[i].width + 2 * q) * shapes[i].channels;
      }
    });
  } else {
    const sizes = [784, ...settings.hiddenSizes, classes];
    for (let l = 0; l + 1 < sizes.length; l++) {
      parameters += sizes[l] * sizes[l + 1] + sizes[l + 1];
      multiplyAdds += sizes[l] * sizes[l + 1];
    }
    const threads = settings.threads === "auto" ? defaultThreads() : settings.threads;
    // Activations and deltas, and the input's sparse lists: by rows, and by columns per thread.
    perRow = 2 * sizes.reduce((a, b) => a + b, 0) + sizes[0] * (2 + 2 * threads);
  }
  const trainingRows = Math.min(
    TRAINING_ROWS,
    settings.limitTrainingRows === "all" ? Infinity : settings.limitTrainingRows,
    settings.balancedPerClass === "all" ? Infinity : settings.balancedPerClass * classes,
  );
  const batch = settings.batchSize === "full" ? trainingRows : settings.batchSize;
  const rows = Math.max(batch, CLASSIFY_ROWS[sequential ? "sequential" : "mlp"]);
  // Weights, biases, their gradients, velocities, second moments, transposes: six copies.
  const bytes = 4 * (6 * parameters + rows * perRow);
  const text = settings.layers.trim().replace(/\s+/g, " ");
  const named = sequential
    ? `layers (--layers) "${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`
    : `hiddenSizes (--hidden-sizes) ${JSON.stringify(settings.hiddenSizes)}`;
  return { parameters, multiplyAdds, rows, bytes, named };
}

/**
 * Throws when the network that `settings` describe is past a limit: more parameters than the
 * `parameters` limit, more estimated memory than the `networkBytes` limit, or, on the fast
 * engines, more than their 32-bit offsets reach.
 *
 * @param source where the settings came from, for the error ("settings", "model 'x.json'")
 * @throws RangeError naming the setting, the size and the limit
 */
export function checkNetworkCost(settings: RunSettings, source = "settings"): void {
  let cost: NetworkCost;
  try {
    cost = networkCost(settings);
  } catch (error) {
    throw new RangeError(
      `Invalid ${source}: layers (--layers) "${settings.layers.trim()}" do not fit the ${
        describeShape(MNIST_SHAPE)
      } images: ${(error as Error).message}`,
    );
  }
  const { parameters, rows, bytes, named } = cost;
  if (parameters > limitOf("parameters")) {
    throw new RangeError(
      `Invalid ${source}: the network of ${named} has ${pastLimit("parameters", parameters)}`,
    );
  }
  const batch = `batchSize (--batch-size) ${settings.batchSize} (${rows} rows at a time)`;
  if (bytes > limitOf("networkBytes")) {
    throw new RangeError(
      `Invalid ${source}: the network of ${named} with ${batch} needs about ${
        pastLimit("networkBytes", bytes)
      }`,
    );
  }
  if (settings.engine !== "reference" && bytes > MAX_KERNEL_BYTES) {
    throw new RangeError(
      `Invalid ${source}: the network of ${named} with ${batch} needs about ${
        formatAmount(bytes)
      }, more than the ${
        formatAmount(MAX_KERNEL_BYTES)
      } the fast engines' 32-bit offsets reach; lower batchSize or the network's sizes, or set engine to "reference" (--engine reference)`,
    );
  }
}
