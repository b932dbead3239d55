/**
 * What an exported file says about its network besides the numbers: the layers, the settings it
 * was trained with (data set included), the input it expects and the PyTorch network that reads
 * it. The same strings go into ONNX's `metadata_props` and safetensors' `__metadata__`, and the
 * import reads them back, so a file the project wrote comes back as the model it was.
 *
 * @module
 */

import { datasetSpec } from "../data/dataset_specs.ts";
import type { SavedModel } from "../run/experiment.ts";
import { formatLayers } from "../nn/layers/spec.ts";
import { describeShape } from "../nn/layers/layer.ts";
import { describeNetwork } from "../nn/sequential.ts";
import { architectureOf, torchModuleText } from "./torch_layout.ts";
import type { Shape } from "../nn/network.ts";

/** The producer named in every exported file. */
export const PRODUCER = "mnist-from-scratch";

/**
 * The metadata of an exported model, as strings.
 *
 * - `layers`: the layers before the output layer, as `--layers` takes them (the MLP's written as
 *   dense layers and activations), and `classes`: the output layer's size;
 * - `input`: the shape of one example and what its values are; `dataset` and `class_names`;
 * - `settings`: the run's settings as JSON; `pytorch`: the `torch.nn` network, as Python text.
 *
 * @param options `input`: the input's shape where the file's differs from the network's (the MLP's
 *   ONNX graph takes 1 × 28 × 28 images)
 * @returns key → value
 */
export function exportMetadata(
  model: SavedModel,
  options: { input?: Shape } = {},
): Record<string, string> {
  const { network, settings } = model;
  const architecture = architectureOf(network);
  const last = model.history.at(-1);
  return {
    producer: PRODUCER,
    network: describeNetwork(network),
    layers: formatLayers(architecture.layers.slice(0, -1)),
    classes: String(network.sizes.at(-1)),
    input: `${
      describeShape(options.input ?? architecture.input)
    } float32 pixels, MNIST's 0–255 divided by 255 (light digit on black)`,
    output: "the logits in safetensors' PyTorch network; the probabilities (softmax) in ONNX",
    dataset: settings.dataset,
    class_names: JSON.stringify(datasetSpec(settings.dataset).classNames),
    settings: JSON.stringify(settings),
    pytorch: torchModuleText(architecture),
    ...(last ? { epochs_trained: String(last.epoch) } : {}),
    ...(model.createdAt ? { created_at: model.createdAt } : {}),
  };
}
