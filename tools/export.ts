/**
 * `deno task export --model PATH --format onnx|safetensors [--out FILE]`: writes a saved model
 * (the project's model file, or a safetensors file brought in from PyTorch) for other runtimes —
 * ONNX for ONNX Runtime, safetensors for PyTorch's `load_state_dict`. Prints the file written.
 * Exit code 0 when written, 1 when the model cannot be read or the file written, 2 for a bad
 * command line.
 *
 * @module
 */

import { EXPORT_FORMATS, type ExportFormat, saveExport } from "../lib/export/export_model.ts";
import { loadModel } from "../lib/eval/model_file.ts";
import { describeNetwork } from "../lib/nn/sequential.ts";

const USAGE =
  `usage: deno task export --model PATH --format onnx|safetensors [--out FILE] [--layers TEXT]

Writes a saved model for other runtimes: ONNX (the graph from the image to the probabilities, for
ONNX Runtime) or safetensors (PyTorch's names and layouts, for load_state_dict). --out defaults to
the model's path with the format's extension. --layers gives a safetensors model's layers where its
metadata lacks them.`;

const usage = (line: string): never => {
  console.error(`${line}\n\n${USAGE}`);
  Deno.exit(2);
};

const values: Record<string, string | undefined> = {};
const args = [...Deno.args];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--help" || arg === "-h") {
    console.log(USAGE);
    Deno.exit(0);
  }
  const [flag, inline] = arg.split(/=(.*)/s, 2);
  if (!["--model", "--format", "--out", "--layers"].includes(flag)) {
    usage(arg.startsWith("--") ? `Unknown flag ${flag}` : `Unexpected argument "${arg}"`);
  }
  const value = inline ?? args[++i];
  if (value === undefined || value === "") usage(`${flag} needs a value`);
  values[flag] = value;
}
const { "--model": modelPath, "--format": format, "--out": out, "--layers": layers } = values;
if (modelPath === undefined) usage("--model is required: the model file to export");
if (format === undefined) usage(`--format is required: one of ${EXPORT_FORMATS.join(", ")}`);
if (!(EXPORT_FORMATS as readonly string[]).includes(format!)) {
  usage(
    `Invalid value for --format: expected one of ${EXPORT_FORMATS.join(", ")}, found "${format}"`,
  );
}
const target = out ?? `${modelPath!.replace(/\.(json|safetensors|onnx)$/, "")}.${format}`;
if (target === modelPath) usage(`--out must differ from --model, found "${target}" for both`);

try {
  const model = await loadModel(modelPath!, { layers });
  await saveExport(target, model, format as ExportFormat);
  console.log(`${target}: ${describeNetwork(model.network)} as ${format}`);
} catch (error) {
  console.error((error as Error).message);
  Deno.exit(1);
}
