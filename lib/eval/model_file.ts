/**
 * Saving and loading a trained model: one JSON file holding the network's shape and activation,
 * the run settings it was trained with (data set included), its history and the parameters (little-endian Float32,
 * base64), sealed with the SHA-256 of everything else and written atomically.
 *
 * @module
 */

import { sha256Hex, writeFileAtomic } from "../data/files.ts";
import { type ImportOptions, importSafetensors } from "../export/import_safetensors.ts";
import { looksLikeSafetensors } from "../export/safetensors.ts";
import { matrix } from "../nn/matrix.ts";
import { ACTIVATIONS } from "../nn/activations.ts";
import type { Network } from "../nn/mlp.ts";
import type { Shape } from "../nn/layers/layer.ts";
import { formatLayers, type LayerSpec, parseLayers } from "../nn/layers/spec.ts";
import { parameterShapes } from "../nn/sequential.ts";
import { type RunSettings, validateSettings } from "../run/settings.ts";
import type { EpochRecord } from "../train/records.ts";

/** The format's name and the version this library writes and reads. */
export const MODEL_FORMAT = "mnist-mlp-model";
export const MODEL_VERSION = 3;
/** Versions this library still reads: 2 held only MLPs, which 3 reads the same way. */
const READABLE_VERSIONS = [2, 3];

/** A model as saved: the network and what is known about how it came to be. */
export interface SavedModel {
  network: Network;
  /** The settings it was trained with: data set, network, training, engine. */
  settings: RunSettings;
  history: EpochRecord[];
  createdAt?: string;
}

function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return bytes.toBase64();
}

function fromBase64(text: string): Float32Array {
  const bytes = Uint8Array.fromBase64(text);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/**
 * The model as the text of a model file.
 *
 * @returns the JSON text of the model file
 */
export async function serializeModel(model: SavedModel): Promise<string> {
  const { network } = model;
  const body = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdAt: model.createdAt ?? new Date().toISOString(),
    network: {
      sizes: network.sizes,
      hidden: network.hidden,
      init: network.init,
      seed: network.seed,
      // A sequential network's architecture: its layers (the output layer last) and input shape.
      ...(network.layers ? { layers: formatLayers(network.layers), input: network.input } : {}),
    },
    settings: model.settings,
    history: model.history,
    parameters: {
      weights: network.weights.map((w) => toBase64(w.data)),
      biases: network.biases.map(toBase64),
    },
  };
  const sha256 = await sha256Hex(new TextEncoder().encode(JSON.stringify(body)));
  return JSON.stringify({ ...body, sha256 });
}

/**
 * Saves a model to `path` atomically (creating folders) and returns the path.
 *
 * @example
 * ```ts
 * import { createNetwork, resolveSettings, saveModel } from "../mod.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * const settings = resolveSettings("assignment");
 * await saveModel(path, { network: createNetwork(), settings, history: [] });
 * ```
 */
export async function saveModel(path: string, model: SavedModel): Promise<string> {
  await writeFileAtomic(path, await serializeModel(model));
  return path;
}

/**
 * Reads a model file's text back; every failure names the file and what was wrong.
 *
 * @param text the file's contents
 * @param source the file's name, for error messages
 *
 * @returns the model: network, settings, history and creation time
 */
export async function parseModel(text: string, source = "model"): Promise<SavedModel> {
  const fail = (what: string): never => {
    throw new SyntaxError(`Cannot load model ${source}: ${what}`);
  };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("the file is damaged (not valid JSON); save the model again");
  }
  if (parsed?.format !== MODEL_FORMAT) {
    fail(`expected format "${MODEL_FORMAT}", found ${JSON.stringify(parsed?.format)}`);
  }
  if (!READABLE_VERSIONS.includes(parsed.version as number)) {
    fail(
      `expected format version ${MODEL_VERSION}, found version ${
        JSON.stringify(parsed.version)
      }; models from older versions of this project must be trained again`,
    );
  }
  const { sha256, ...body } = parsed;
  const found = await sha256Hex(new TextEncoder().encode(JSON.stringify(body)));
  if (sha256 !== found) fail(`the file is damaged: expected checksum ${sha256}, found ${found}`);

  const meta = body.network as Pick<Network, "sizes" | "hidden" | "init" | "seed">;
  const parameters = body.parameters as { weights: string[]; biases: string[] };
  if (
    !Array.isArray(meta?.sizes) || meta.sizes.length < 2 ||
    !meta.sizes.every((n) => Number.isInteger(n) && n > 0)
  ) {
    fail(
      `expected network.sizes to list 2 or more positive integers, found ${
        JSON.stringify(meta?.sizes)
      }`,
    );
  }
  if (!ACTIVATIONS.includes(meta.hidden)) {
    fail(
      `expected network.hidden to be one of ${ACTIVATIONS.join(", ")}, found ${
        JSON.stringify(meta.hidden)
      }`,
    );
  }
  if (!Array.isArray(parameters?.weights) || !Array.isArray(parameters?.biases)) {
    fail("expected parameters.weights and parameters.biases to be lists");
  }
  if (!Array.isArray(body.history)) fail("expected history to be a list");
  let settings: RunSettings;
  try {
    // Version 2 came before sequential networks: its settings have no layers, which means an MLP.
    const given = parsed.version === 2 ? { layers: "", ...body.settings as object } : body.settings;
    settings = validateSettings(given, "settings");
  } catch (error) {
    return fail((error as Error).message);
  }
  // The shape of every weight matrix and bias: from the sizes (an MLP), or from the layers.
  const architecture = body.network as { layers?: unknown; input?: Shape };
  let sequential: { layers: LayerSpec[]; input: Shape } | undefined;
  let shapes = meta.sizes.slice(1).map((cols, l) => ({ rows: meta.sizes[l], cols, biases: cols }));
  if (architecture.layers !== undefined) {
    const input = architecture.input;
    if (
      typeof architecture.layers !== "string" ||
      ![input?.channels, input?.height, input?.width].every((n) => Number.isInteger(n) && n! > 0)
    ) {
      fail(
        `expected network.layers to be text and network.input a shape of positive integers, found ${
          JSON.stringify(architecture.layers)
        } and ${JSON.stringify(input)}`,
      );
    }
    try {
      sequential = { layers: parseLayers(architecture.layers as string), input: input! };
      shapes = parameterShapes(sequential.input, sequential.layers);
    } catch (error) {
      fail(`network.layers: ${(error as Error).message}`);
    }
  }
  const layers = shapes.length;
  if (parameters.weights.length !== layers || parameters.biases.length !== layers) {
    fail(
      `expected ${layers} weight matrices and bias vectors for ${
        sequential ? `layers "${architecture.layers}"` : `sizes ${meta.sizes.join("-")}`
      }, found ${parameters.weights.length} and ${parameters.biases.length}`,
    );
  }
  const weights = parameters.weights.map((text, l) => {
    const values = fromBase64(text);
    const { rows, cols } = shapes[l];
    if (values.length !== rows * cols) {
      fail(
        `weights of layer ${l + 1} should be ${rows}×${cols} = ${
          rows * cols
        } values, found ${values.length}`,
      );
    }
    if (!values.every(Number.isFinite)) {
      fail(`weights of layer ${l + 1} hold NaN or infinite values`);
    }
    return matrix(rows, cols, values);
  });
  const biases = parameters.biases.map((text, l) => {
    const values = fromBase64(text);
    if (values.length !== shapes[l].biases) {
      fail(
        `biases of layer ${l + 1} should have ${shapes[l].biases} values, found ${values.length}`,
      );
    }
    if (!values.every(Number.isFinite)) {
      fail(`biases of layer ${l + 1} hold NaN or infinite values`);
    }
    return values;
  });
  return {
    network: { ...meta, weights, biases, ...sequential },
    settings,
    history: body.history as EpochRecord[],
    createdAt: body.createdAt as string,
  };
}

/**
 * Loads a model saved by {@linkcode saveModel}, or a network brought in from PyTorch as a
 * safetensors file (see `lib/export/import_safetensors.ts`), told apart by their contents.
 *
 * @param options for a safetensors file: the layers and data set, where its metadata lacks them
 * @returns the model: network, settings, history and creation time
 */
export async function loadModel(path: string, options: ImportOptions = {}): Promise<SavedModel> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `Cannot load model '${path}': no such file. Train one first: run notebook 06-train, or \`deno task train\``,
      );
    }
    throw error;
  }
  if (looksLikeSafetensors(bytes)) return importSafetensors(bytes, `'${path}'`, options);
  const first = bytes.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (bytes[first] !== 0x7b) {
    throw new SyntaxError(
      `Cannot load model '${path}': expected a model file (JSON) or a safetensors file, found ${
        describeBytes(bytes)
      }`,
    );
  }
  return parseModel(new TextDecoder().decode(bytes), `'${path}'`);
}

/** What a file that is not a model seems to be, for the error. */
function describeBytes(bytes: Uint8Array): string {
  const starts = (...magic: number[]) => magic.every((b, i) => bytes[i] === b);
  if (bytes.length === 0) return "an empty file";
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "a PNG image";
  if (starts(0xff, 0xd8, 0xff)) return "a JPEG image";
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    return "a zip archive (a PyTorch .pt file? save a safetensors file instead)";
  }
  // An ONNX ModelProto opens with its ir_version, field 1 as a varint.
  if (starts(0x08) && bytes[1] > 0 && bytes[1] < 0x20) {
    return "an ONNX model, which this project writes but does not read back (export safetensors to bring a network in)";
  }
  const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return `${bytes.length} bytes that are neither (they begin ${head})`;
}
