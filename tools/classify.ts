/**
 * `deno task classify [--model PATH] [--layers TEXT] [--engine NAME] FILE…`: classifies pictures of handwritten
 * digits (PNG or JPEG; a photo of paper, a scan, a screenshot; dark on light or light on dark; any
 * size) with a saved model, after MNIST's own preprocessing. One line per file: its name, the
 * prediction with its probability, and the runner-up. Exit code 0 when every file was classified,
 * 1 when one could not be, 2 for a bad command line.
 *
 * @module
 */

import { datasetSpec } from "../lib/data/dataset_specs.ts";
import { ENGINE_NAMES, type EngineName } from "../lib/engines/engine.ts";
import { classifyImageFile } from "../lib/eval/classify_image.ts";
import { loadModel } from "../lib/eval/model_file.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const USAGE =
  `usage: deno task classify [--model PATH] [--layers TEXT] [--engine auto|native|wasm|reference] FILE…

Classifies PNG or JPEG pictures of handwritten digits with a saved model (default: the one
notebook 06 saves, data/models/latest.json; a committee file that deno task ensemble writes,
whose members' probabilities are averaged; or a safetensors file from PyTorch, whose layers
--layers gives where its metadata lacks them), after MNIST's preprocessing: grey levels, ink made
light on dark, cropped, scaled into 20×20 keeping its shape, centred by mass in 28×28.`;

const args = [...Deno.args];
const files: string[] = [];
let modelPath = `${ROOT}/data/models/latest.json`, engine: EngineName = "auto";
let layers: string | undefined;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--help" || arg === "-h") {
    console.log(USAGE);
    Deno.exit(0);
  } else if (arg === "--model" || arg === "--engine" || arg === "--layers") {
    const value = args[++i];
    if (value === undefined) {
      console.error(`${arg} needs a value\n\n${USAGE}`);
      Deno.exit(2);
    }
    if (arg === "--model") modelPath = value;
    else if (arg === "--layers") layers = value;
    else if ((ENGINE_NAMES as readonly string[]).includes(value)) engine = value as EngineName;
    else {
      console.error(
        `Invalid value for --engine: expected one of ${ENGINE_NAMES.join(", ")}, found "${value}"`,
      );
      Deno.exit(2);
    }
  } else if (arg.startsWith("--")) {
    console.error(`Unknown flag ${arg}\n\n${USAGE}`);
    Deno.exit(2);
  } else files.push(arg);
}
if (files.length === 0) {
  console.error(`No picture given\n\n${USAGE}`);
  Deno.exit(2);
}

let model;
try {
  model = await loadModel(modelPath, { layers });
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(1);
}
const names = datasetSpec(model.settings.dataset).classNames;
const percent = (p: number) => `${(100 * p).toFixed(1)}%`;
let failed = 0;
for (const file of files) {
  try {
    const verdict = await classifyImageFile(model.committee ?? model.network, file, { engine });
    const { predicted, runnerUp, probabilities } = verdict;
    console.log(
      `${file}: predicted ${names[predicted]} (${percent(probabilities[predicted])}), runner-up ${
        names[runnerUp]
      } (${percent(probabilities[runnerUp])})`,
    );
  } catch (error) {
    failed++;
    console.log(`${file}: ${(error as Error).message}`);
  }
}
Deno.exit(failed ? 1 : 0);
