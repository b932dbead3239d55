/**
 * Saving and loading a trained model: one JSON file holding the network's shape and activation,
 * the run settings it was trained with (data set included), its history and the parameters (little-endian Float32,
 * base64), sealed with the SHA-256 of everything else and written atomically.
 *
 * @module
 */

import { exists, sha256Hex, writeFileAtomic } from "../data/files.ts";
import { readCapped } from "../data/read_capped.ts";
import { type ImportOptions, importSafetensors } from "../export/import_safetensors.ts";
import { looksLikeSafetensors } from "../export/safetensors.ts";
import { matrix } from "../nn/matrix.ts";
import { datasetSpec } from "../data/dataset_specs.ts";
import { type ActivationName, ACTIVATIONS } from "../nn/activations.ts";
import { networkProblem } from "../nn/check_network.ts";
import { formatLayers, type LayerSpec, parseLayers } from "../nn/layers/spec.ts";
import { parameterShapes } from "../nn/sequential.ts";
import { type RunSettings, SETTINGS_ADDED_LATER, validateSettings } from "../run/settings.ts";
import { isCommitteeFile, readCommittee } from "./committee.ts";
import type { EpochRecord } from "../train/records.ts";
import type { SavedModel } from "../run/experiment.ts";

export type { SavedModel };
import { isSequential, type Network, type Shape } from "../nn/network.ts";

/** The format's name and the version this library writes and reads. */
export const MODEL_FORMAT = "mnist-mlp-model";
export const MODEL_VERSION = 3;
/** Versions this library still reads: 2 held only MLPs, which 3 reads the same way. */
const READABLE_VERSIONS = [2, 3];

function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return bytes.toBase64();
}

function fromBase64(text: string, fail: (why: string) => never): Float32Array {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.fromBase64(text);
  } catch (error) {
    return fail(`expected base64 text, found text it cannot read (${(error as Error).message})`);
  }
  if (bytes.length % 4 !== 0) {
    fail(`expected whole 4-byte numbers, found ${bytes.length} bytes`);
  }
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
      kind: network.kind,
      sizes: network.sizes,
      hidden: network.hidden,
      init: network.init,
      seed: network.seed,
      // A sequential network's architecture: its layers (the output layer last) and input shape.
      ...(isSequential(network)
        ? { layers: formatLayers(network.layers), input: network.input }
        : {}),
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

/** The deepest nesting of lists and objects a model file may have (it uses 4). */
const MAX_DEPTH = 16;

/**
 * How deeply `text` nests lists and objects, counted without parsing it: a file of a million
 * brackets is refused in one pass, before `JSON.parse` and the checksum walk it.
 */
function nestingDepth(text: string, most: number): number {
  let depth = 0, deepest = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > most) break;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The fields of an epoch record, and whether each must be there. */
const RECORD_FIELDS: Record<keyof EpochRecord, boolean> = {
  epoch: true,
  loss: true,
  trainAccuracy: true,
  validationLoss: false,
  validationAccuracy: false,
  learningRate: true,
  seconds: true,
};

/**
 * Reads a model file's text back; every failure names the file and what was wrong. The whole
 * model is checked before it is returned: every field of the kind it must be, the weights'
 * shapes against the sizes or the layers, the sizes against the layers and the input shape, and
 * the outputs against its data set's classes. Only the fields the format defines are kept.
 *
 * It reads the file in the order of its parts: the envelope (format, version, checksum), the
 * settings, the network's shape, the parameters, the history; then checks the network whole.
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
  const file = await readEnvelope(text, fail);
  const settings = readSettings(file, fail);
  const shape = readNetworkShape(file.network, fail);
  const { weights, biases } = readParameters(file.parameters, shape, fail);
  const history = historyOf(file.history, fail);
  const own = {
    sizes: shape.sizes,
    hidden: shape.hidden,
    init: initOf(file.network.init),
    seed: file.network.seed as number,
    weights,
    biases,
  };
  const network: Network = shape.sequential
    ? { kind: "sequential", ...own, ...shape.sequential }
    : { kind: "mlp", ...own };
  checkWhole(network, settings, fail);
  return { network, settings, history, createdAt: file.createdAt };
}

/** Stops the read with the file's name and what was wrong. */
type Fail = (what: string) => never;

/** A model file's top level, its format and checksum checked, its parts not yet read. */
interface Envelope {
  version: number;
  network: Record<string, unknown>;
  parameters: Record<string, unknown>;
  settings: unknown;
  history: unknown;
  createdAt?: string;
}

/**
 * The envelope: JSON nested no deeper than a model file is, of this format and a version this
 * library reads, whose checksum matches, with a network and parameters object and a text date.
 */
async function readEnvelope(text: string, fail: Fail): Promise<Envelope> {
  const depth = nestingDepth(text, MAX_DEPTH);
  if (depth > MAX_DEPTH) {
    fail(`expected lists and objects nested at most ${MAX_DEPTH} deep, found more`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("the file is damaged (not valid JSON); save the model again");
  }
  if (!isRecord(parsed)) return fail(`expected an object, found ${JSON.stringify(parsed)}`);
  if (parsed.format !== MODEL_FORMAT) {
    fail(`expected format "${MODEL_FORMAT}", found ${JSON.stringify(parsed.format)}`);
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
  const { network, parameters, createdAt } = body;
  if (!isRecord(network)) {
    return fail(`expected network to be an object, found ${JSON.stringify(network)}`);
  }
  if (!isRecord(parameters)) {
    return fail(`expected parameters to be an object, found ${JSON.stringify(parameters)}`);
  }
  if (createdAt !== undefined && typeof createdAt !== "string") {
    fail(`expected createdAt to be text, found ${JSON.stringify(createdAt)}`);
  }
  return {
    version: parsed.version as number,
    network,
    parameters,
    settings: body.settings,
    history: body.history,
    createdAt: createdAt as string | undefined,
  };
}

/** The settings the model was trained with, validated as a run's settings are. */
function readSettings(file: Envelope, fail: Fail): RunSettings {
  try {
    // Version 2 came before sequential networks: its settings have no layers, which means an MLP;
    // a setting added since is off in a file made before it.
    const given = !isRecord(file.settings)
      ? file.settings
      : file.version === 2
      ? { layers: "", ...SETTINGS_ADDED_LATER, ...file.settings }
      : { ...SETTINGS_ADDED_LATER, ...file.settings };
    return validateSettings(given, "settings");
  } catch (error) {
    return fail((error as Error).message);
  }
}

/** What the network section says of the network's shape, and the shape of each parameter. */
interface NetworkShape {
  sizes: number[];
  hidden: ActivationName;
  /** A sequential network's layers (the output layer last) and input shape. */
  sequential?: { layers: LayerSpec[]; input: Shape };
  /** Each layer's weight matrix (rows×cols) and bias length. */
  shapes: { rows: number; cols: number; biases: number }[];
  /** The shape in words, for errors: `sizes 784-16-10` or `layers "…"`. */
  described: string;
}

/**
 * The network's shape: its sizes and hidden activation, and for a sequential network its layers
 * and input shape; from these, the shape of every weight matrix and bias.
 */
function readNetworkShape(meta: Record<string, unknown>, fail: Fail): NetworkShape {
  const sizes = meta.sizes;
  if (
    !Array.isArray(sizes) || sizes.length < 2 ||
    !sizes.every((n) => Number.isInteger(n) && n > 0)
  ) {
    return fail(
      `expected network.sizes to list 2 or more positive integers, found ${JSON.stringify(sizes)}`,
    );
  }
  if (!ACTIVATIONS.includes(meta.hidden as ActivationName)) {
    fail(
      `expected network.hidden to be one of ${ACTIVATIONS.join(", ")}, found ${
        JSON.stringify(meta.hidden)
      }`,
    );
  }
  const hidden = meta.hidden as ActivationName;
  // Files written before networks had a kind say which they hold by listing layers, or not.
  const kind = meta.kind ?? (meta.layers === undefined ? "mlp" : "sequential");
  if (kind !== "mlp" && kind !== "sequential") {
    fail(`expected network.kind to be "mlp" or "sequential", found ${JSON.stringify(kind)}`);
  }
  if ((kind === "sequential") !== (meta.layers !== undefined)) {
    fail(
      `expected network.layers for kind "sequential" and none for kind "mlp", found kind ${
        JSON.stringify(kind)
      } ${meta.layers === undefined ? "without" : "with"} layers`,
    );
  }
  // An MLP: the shapes follow from the sizes.
  if (meta.layers === undefined) {
    const shapes = sizes.slice(1).map((cols, l) => ({ rows: sizes[l], cols, biases: cols }));
    return { sizes, hidden, shapes, described: `sizes ${sizes.join("-")}` };
  }
  const input = meta.input as Record<string, unknown> | undefined;
  const dims = [input?.channels, input?.height, input?.width];
  if (
    typeof meta.layers !== "string" ||
    !dims.every((n) => Number.isInteger(n) && (n as number) > 0)
  ) {
    fail(
      `expected network.layers to be text and network.input a shape of positive integers, found ${
        JSON.stringify(meta.layers)
      } and ${JSON.stringify(input)}`,
    );
  }
  try {
    const [channels, height, width] = dims as number[];
    // Only the three numbers are kept: a shape is nothing else.
    const sequential = {
      layers: parseLayers(meta.layers as string),
      input: { channels, height, width },
    };
    const shapes = parameterShapes(sequential.input, sequential.layers);
    return { sizes, hidden, sequential, shapes, described: `layers "${meta.layers}"` };
  } catch (error) {
    return fail(`network.layers: ${(error as Error).message}`);
  }
}

/**
 * The parameters: one base64 text per weight matrix and per bias, as many as the shape has
 * layers, each of exactly its shape's count of finite floats.
 */
function readParameters(
  parameters: Record<string, unknown>,
  shape: NetworkShape,
  fail: Fail,
): Pick<Network, "weights" | "biases"> {
  const lists = [parameters.weights, parameters.biases];
  if (!lists.every((list) => Array.isArray(list) && list.every((t) => typeof t === "string"))) {
    fail("expected parameters.weights and parameters.biases to be lists of base64 texts");
  }
  const [weightTexts, biasTexts] = lists as string[][];
  const { shapes } = shape, layers = shapes.length;
  if (weightTexts.length !== layers || biasTexts.length !== layers) {
    fail(
      `expected ${layers} weight matrices and bias vectors for ${shape.described}, found ${weightTexts.length} and ${biasTexts.length}`,
    );
  }
  // One parameter array: base64 of `count` finite floats (`expected` says the count in words).
  const decode = (
    text: string,
    field: string,
    what: string,
    count: number,
    expected = `${count}`,
  ) => {
    const values = fromBase64(text, (why) => fail(`${field}: ${why}`));
    if (values.length !== count) {
      fail(`${what} should be ${expected} values, found ${values.length}`);
    }
    if (!values.every(Number.isFinite)) fail(`${what} hold NaN or infinite values`);
    return values;
  };
  const weights = weightTexts.map((text, l) => {
    const { rows, cols } = shapes[l];
    const what = `weights of layer ${l + 1}`;
    const shape = `${rows}×${cols} = ${rows * cols}`;
    return matrix(rows, cols, decode(text, `parameters.weights[${l}]`, what, rows * cols, shape));
  });
  const biases = biasTexts.map((text, l) =>
    decode(text, `parameters.biases[${l}]`, `biases of layer ${l + 1}`, shapes[l].biases)
  );
  return { weights, biases };
}

/**
 * The network whole: its init and seed, its sizes against its layers (`networkProblem`), and its
 * inputs and outputs against the images and classes of its settings' data set.
 */
function checkWhole(network: Network, settings: RunSettings, fail: Fail): void {
  const problem = networkProblem(network);
  if (problem) fail(`network: ${problem}`);
  const { sizes } = network;
  const spec = datasetSpec(settings.dataset), classes = spec.classNames.length;
  if (sizes.at(-1) !== classes) {
    fail(
      `expected ${classes} outputs, one per class of ${settings.dataset} (its settings' data set), found ${
        sizes.at(-1)
      }`,
    );
  }
  if (sizes[0] !== IMAGE_PIXELS) {
    fail(
      `expected ${IMAGE_PIXELS} inputs, one per pixel of ${settings.dataset}'s 28×28 images, found ${
        sizes[0]
      }`,
    );
  }
}

/** An init as saved, keeping only its own fields (`networkProblem` checks their values). */
function initOf(value: unknown): Network["init"] {
  if (!isRecord(value)) return value as Network["init"];
  return (value.kind === "uniform"
    ? { kind: value.kind, low: value.low, high: value.high }
    : { kind: value.kind, std: value.std }) as Network["init"];
}

/** The pixels of one image of the data sets this project reads (28 × 28). */
const IMAGE_PIXELS = 784;

/** A model file's history, each record checked and holding only the fields records have. */
function historyOf(value: unknown, fail: Fail): EpochRecord[] {
  if (!Array.isArray(value)) return fail("expected history to be a list");
  return value.map((record, i) => {
    if (!isRecord(record)) return fail(`expected history[${i}] to be an object`);
    const kept: Record<string, number> = {};
    for (const [key, required] of Object.entries(RECORD_FIELDS)) {
      const field = record[key];
      if (field === undefined && !required) continue;
      if (typeof field !== "number" || (Number.isNaN(field) && required)) {
        fail(`expected history[${i}].${key} to be a number, found ${JSON.stringify(field)}`);
      }
      kept[key] = field as number;
    }
    return kept as unknown as EpochRecord;
  });
}

/**
 * Loads a model saved by {@linkcode saveModel}, a network brought in from PyTorch as a
 * safetensors file (see `lib/export/import_safetensors.ts`), or a committee file listing such
 * models (`committee.ts`), told apart by their contents: a regular file within the `modelBytes`
 * limit.
 *
 * @param options for a safetensors file: the layers and data set, where its metadata lacks them
 * @returns the model: network, settings, history and creation time, and for a committee every
 *   member in `committee` (the first is `network`)
 */
export function loadModel(path: string, options: ImportOptions = {}): Promise<SavedModel> {
  return loadModelFile(path, options, true);
}

async function loadModelFile(
  path: string,
  options: ImportOptions,
  committeeAllowed: boolean,
): Promise<SavedModel> {
  if (!(await exists(path))) {
    throw new Deno.errors.NotFound(
      `Cannot load model '${path}': no such file. Train one first: run notebook 06-train, or \`deno task train\``,
    );
  }
  const bytes = await readCapped(path, "modelBytes", `Cannot load model '${path}'`);
  if (looksLikeSafetensors(bytes)) return importSafetensors(bytes, `'${path}'`, options);
  const first = bytes.findIndex((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (bytes[first] !== 0x7b) {
    throw new SyntaxError(
      `Cannot load model '${path}': expected a model file (JSON) or a safetensors file, found ${
        describeBytes(bytes)
      }`,
    );
  }
  const text = new TextDecoder().decode(bytes);
  if (isCommitteeFile(parseOrUndefined(text))) {
    if (!committeeAllowed) {
      throw new SyntaxError(
        `Cannot load model '${path}': it is a committee file, and a committee's members must be models`,
      );
    }
    return readCommittee(JSON.parse(text), path, (member) => loadModelFile(member, options, false));
  }
  return parseModel(text, `'${path}'`);
}

/** JSON's value, or undefined for text that is not JSON (parseModel then says what is wrong). */
function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
