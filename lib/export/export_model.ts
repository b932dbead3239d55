/**
 * Writing a trained model out for other runtimes: `.onnx` for ONNX Runtime and everything that
 * reads ONNX, `.safetensors` for PyTorch's `load_state_dict`. One call for either, written
 * atomically like the project's own model files.
 *
 * @module
 */

import { writeFileAtomic } from "../data/files.ts";
import type { SavedModel } from "../run/experiment.ts";
import { exportMetadata } from "./metadata.ts";
import { exportOnnx } from "./onnx.ts";
import { encodeSafetensors } from "./safetensors.ts";
import { torchStateDict } from "./torch_layout.ts";

/** The formats a model exports to. */
export const EXPORT_FORMATS = ["onnx", "safetensors"] as const;
export type ExportFormat = typeof EXPORT_FORMATS[number];

/**
 * A model's parameters as a safetensors file with PyTorch's names and layouts (`0.weight`
 * [out, in], …), its layers, settings and PyTorch network in `__metadata__`.
 *
 * @returns the file's bytes
 * @example
 * ```ts
 * import { createNetwork, decodeSafetensors, exportSafetensors, resolveSettings } from "../mod.ts";
 * const model = { network: createNetwork(), settings: resolveSettings("assignment"), history: [] };
 * decodeSafetensors(exportSafetensors(model)).tensors[0].shape; // [128, 784]
 * ```
 */
export function exportSafetensors(model: SavedModel): Uint8Array {
  return encodeSafetensors({
    tensors: torchStateDict(model.network),
    metadata: exportMetadata(model),
  });
}

/**
 * Writes `model` to `path` in `format`, atomically (creating folders).
 *
 * @returns the path
 */
export async function saveExport(
  path: string,
  model: SavedModel,
  format: ExportFormat,
): Promise<string> {
  await writeFileAtomic(
    path,
    format === "onnx" ? await exportOnnx(model) : exportSafetensors(model),
  );
  return path;
}
