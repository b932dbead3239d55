/**
 * Bringing a network trained elsewhere back in: a safetensors file of a PyTorch network the
 * project knows how to run (an MLP, or an `nn.Sequential` of its layers, see `torch_layout.ts`)
 * becomes a {@linkcode SavedModel}, which classifies, evaluates and draws like one the project
 * trained. The layers come from the caller or from the file's metadata (the project's exports and
 * `bench/torch_export.py` write them there); every tensor is checked against them, by name and
 * shape, before anything is built.
 *
 * @module
 */

import { networkProblem } from "../nn/check_network.ts";
import { DATASET_NAMES, type DatasetName, datasetSpec } from "../data/dataset_specs.ts";
import type { SavedModel } from "../run/experiment.ts";
import type { ActivationName } from "../nn/activations.ts";
import { matrix } from "../nn/matrix.ts";
import { formatLayers, type LayerSpec, parseLayers } from "../nn/layers/spec.ts";
import { sizeOf } from "../nn/layers/layer.ts";
import { MNIST_SHAPE } from "../nn/sequential.ts";
import { networkFor } from "../run/experiment.ts";
import { resolveSettings } from "../run/presets.ts";
import { applyOverrides, type RunSettings } from "../run/settings.ts";
import { decodeSafetensors } from "./safetensors.ts";
import { type TorchParameter, torchParameters, transpose } from "./torch_layout.ts";

/** What the import may be told that the file does not say. */
export interface ImportOptions {
  /**
   * The layers before the output layer, as `--layers` takes them: "dense(128) relu dense(64) relu"
   * (an MLP), "conv(32,5) relu maxpool(2) flatten dense(128) relu", …. Default: the file's
   * `layers` metadata.
   */
  layers?: string;
  /** The data set it was trained on; default: the file's `dataset` metadata, else MNIST. */
  dataset?: DatasetName;
}

/**
 * The MLP's settings for a layer list of dense layers, each followed by the same activation;
 * undefined for anything else (which becomes a sequential network).
 */
function asMlp(
  layers: LayerSpec[],
): { hiddenSizes: number[]; activation: ActivationName } | undefined {
  if (layers.length === 0 || layers.length % 2) return undefined;
  const hiddenSizes: number[] = [];
  let activation: ActivationName | undefined;
  for (let i = 0; i < layers.length; i += 2) {
    const [dense, act] = [layers[i], layers[i + 1]];
    if (dense.type !== "dense" || act.type !== "activation") return undefined;
    if (activation && act.activation !== activation) return undefined;
    activation = act.activation;
    hiddenSizes.push(dense.units);
  }
  return { hiddenSizes, activation: activation! };
}

/**
 * A safetensors file's network as a project model.
 *
 * @param bytes the file's contents
 * @param source the file's name, for error messages
 * @param options the layers and data set, where the file's metadata lacks them
 * @returns the model, with the settings of its metadata (or the assignment's and the cnn preset's
 *   defaults, marked preset "pytorch") and no history
 * @throws SyntaxError "Cannot import <source>: …" naming what was expected and what was found: a
 *   damaged file, missing layers, a missing or extra tensor, a shape that does not fit its layer
 */
export function importSafetensors(
  bytes: Uint8Array,
  source = "file",
  options: ImportOptions = {},
): SavedModel {
  const fail = (what: string): never => {
    throw new SyntaxError(`Cannot import ${source}: ${what}`);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const text = options.layers ?? metadata.layers;
  if (text === undefined) {
    fail(
      'expected the layers in the file\'s metadata ("layers") or given, found neither; give them as the layer text, e.g. "dense(128) relu dense(64) relu" for a 784-128-64-10 ReLU MLP',
    );
  }
  let listed: LayerSpec[] = [];
  try {
    listed = parseLayers(text!);
  } catch (error) {
    fail((error as Error).message);
  }
  const dataset = options.dataset ?? metadata.dataset ?? "mnist";
  if (!(DATASET_NAMES as readonly string[]).includes(dataset)) {
    fail(`expected the data set to be one of ${DATASET_NAMES.join(", ")}, found "${dataset}"`);
  }
  let saved: Record<string, unknown> = {};
  try {
    saved = metadata.settings ? JSON.parse(metadata.settings) : {};
  } catch {
    fail(`expected the settings metadata to be JSON, found ${metadata.settings.slice(0, 80)}`);
  }
  // Dense layers and activations are the MLP, unless the file's settings say a network of layers
  // (whose PyTorch network flattens the image first, so its names differ).
  const ofLayers = options.layers === undefined && typeof saved.layers === "string" &&
    saved.layers.trim() !== "";
  const mlp = ofLayers ? undefined : asMlp(listed);
  const classes = datasetSpec(dataset as DatasetName).classNames.length;
  // The names and shapes the layers call for, checked before anything of their size is made: a
  // layer text that lies (dense(10000000)) cannot make the import allocate more than the file.
  const architecture = {
    input: mlp ? { channels: sizeOf(MNIST_SHAPE), height: 1, width: 1 } : MNIST_SHAPE,
    layers: [...listed, { type: "dense", units: classes } as const],
  };
  let places: TorchParameter[] = [];
  try {
    places = torchParameters(architecture);
  } catch (error) {
    fail(`layers "${text}": ${(error as Error).message}`);
  }
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const expected = places.flatMap((p) =>
    p.statistics ? [p.weight, p.bias, p.statistics.mean, p.statistics.variance] : [p.weight, p.bias]
  );
  const missing = expected.find((e) => !byName.has(e.name));
  if (missing) {
    const place = places.find((p) =>
      [p.weight, p.bias, p.statistics?.mean, p.statistics?.variance].includes(missing)
    )!;
    fail(
      `expected a tensor named "${missing.name}" for ${place.layer}, found none; the file holds ${
        tensors.map((t) => `"${t.name}"`).join(", ") || "no tensors"
      } (a torch.nn.Sequential of these layers names them ${
        expected.map((e) => e.name).join(", ")
      })`,
    );
  }
  const extra = tensors.find((t) => !expected.some((e) => e.name === t.name));
  if (extra) {
    fail(
      `expected only the tensors of layers "${text}" (${
        expected.map((e) => e.name).join(", ")
      }), found "${extra.name}" [${extra.shape}] too`,
    );
  }
  for (const place of places) {
    const statistics = place.statistics ? [place.statistics.mean, place.statistics.variance] : [];
    for (const wanted of [place.weight, place.bias, ...statistics]) {
      const found = byName.get(wanted.name)!;
      if (found.shape.join() !== wanted.shape.join()) {
        fail(
          `tensor "${wanted.name}" of ${place.layer}: expected shape [${wanted.shape}], found [${found.shape}]`,
        );
      }
      if (!found.data.every(Number.isFinite)) {
        fail(`tensor "${wanted.name}" of ${place.layer} holds NaN or infinite values`);
      }
    }
  }
  let settings: RunSettings;
  try {
    // The file's own settings where it has them (a file this project exported), else defaults.
    const base = {
      ...resolveSettings(mlp ? "assignment" : "cnn", { dataset: dataset as DatasetName }),
      preset: "pytorch",
    };
    const rates: number[] = Array.isArray(saved.dropout) ? saved.dropout : [];
    settings = applyOverrides({ ...base, ...saved }, {
      dataset: dataset as DatasetName,
      layers: mlp ? "" : formatLayers(listed),
      ...(mlp ?? {}),
      // The MLP's dropout rates are training settings: kept where they still fit the layers.
      dropout: mlp && (rates.length <= 1 || rates.length === mlp.hiddenSizes.length) ? rates : [],
    });
  } catch (error) {
    return fail(`its settings metadata: ${(error as Error).message}`);
  }
  const network = networkFor(settings);
  for (const place of places) {
    const w = byName.get(place.weight.name)!.data, b = byName.get(place.bias.name)!.data;
    const target = network.weights[place.parameter];
    // PyTorch's [out, in] back to the project's in × out; convolutions are stored alike.
    const values = place.weight.shape.length === 2
      ? transpose(w, place.weight.shape[0], place.weight.shape[1])
      : w;
    network.weights[place.parameter] = matrix(target.rows, target.cols, values);
    // Batch normalisation's running averages follow β in the project's biases.
    network.biases[place.parameter] = place.statistics
      ? Float32Array.from([
        ...b,
        ...byName.get(place.statistics.mean.name)!.data,
        ...byName.get(place.statistics.variance.name)!.data,
      ])
      : b.slice();
  }
  // Checked whole as a model file's network is, so every engine can trust its shapes.
  const problem = networkProblem(network);
  if (problem) fail(`network: ${problem}`);
  return { network, settings, history: [], createdAt: metadata.created_at };
}
