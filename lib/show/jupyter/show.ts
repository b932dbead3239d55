/**
 * Showing results in a notebook so that each lands under the cell that made it.
 *
 * Deno's Jupyter kernel stamps each output with the request that is current when the output is
 * *sent*, not when it was made (see `settle` in kernel.ts). A cell's final value (its
 * `execute_result`) goes out after the cell has ended, and so do `console.log` lines often: under
 * Run All the next cell has usually started by then, and the output shows up under it (a few times
 * in every pass of the notebooks in JupyterLab 4, and in the classic Notebook). `show` broadcasts
 * each output while the cell is still running and then lets the kernel send it before the cell
 * ends, so it lands under its own cell: every notebook cell therefore ends with `await show(…)`
 * rather than on a bare value.
 *
 * @module
 */

import { Figure } from "../figure.ts";
import { broadcaster, settle } from "./kernel.ts";

/** An output bundle: MIME type to content, with per-type metadata (a PNG's display size). */
export interface Bundle {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

const DISPLAY = Symbol.for("Jupyter.display");

/**
 * What a value looks like as an output: a figure's SVG and PNG, a table's HTML and text, or the
 * value's own `Symbol.for("Jupyter.display")` bundle; anything else as text.
 *
 * @returns the bundle
 */
export async function bundleOf(value: unknown): Promise<Bundle> {
  if (value instanceof Figure) return await value.bundle();
  if (value !== null && typeof value === "object") {
    const display = (value as Record<symbol, unknown>)[DISPLAY];
    if (typeof display === "function") {
      return { data: await display.call(value), metadata: {} };
    }
  }
  if (typeof value === "string") return { data: { "text/plain": value }, metadata: {} };
  return { data: { "text/plain": Deno.inspect(value, { colors: false }) }, metadata: {} };
}

/**
 * Shows each value as an output of the running cell, in order, and returns once they are sent.
 * Outside a Jupyter kernel it does nothing.
 *
 * @example
 * ```ts
 * import { show, text } from "../../mod.ts";
 * await show(text("shown under this cell")); // nothing happens outside a notebook
 * ```
 */
export async function show(...values: unknown[]): Promise<void> {
  const broadcast = broadcaster();
  if (!broadcast) return;
  let bytes = 0;
  for (const value of values) {
    const { data, metadata } = await bundleOf(value);
    await broadcast("display_data", { data, metadata, transient: {} });
    bytes += Object.values(data).reduce((sum: number, part) => sum + String(part).length, 0);
  }
  await settle(bytes);
}

/**
 * A function that saves each figure it is given as `<folder>/<name>.svg` and `.png`, then shows
 * it under the running cell: a notebook's `await keep("loss", figure)`.
 *
 * @returns the saving-and-showing function
 */
export function showAndSave(folder: string): (name: string, figure: Figure) => Promise<void> {
  return async (name, figure) => {
    await figure.save(`${folder}/${name}.svg`);
    await figure.save(`${folder}/${name}.png`);
    await show(figure);
  };
}
