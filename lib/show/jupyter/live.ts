/**
 * Outputs that update in place in a Jupyter notebook: a progress bar and a chart that redraw
 * every epoch in one output each, instead of a new output per epoch. Uses the Deno kernel's
 * `Deno.jupyter.broadcast` with a display id; outside a kernel, updates go nowhere.
 *
 * @module
 */

import { escapeHtml } from "../html.ts";
import { Figure } from "../figure.ts";
import type { Progress } from "../../train/records.ts";
import { broadcaster, settle } from "./kernel.ts";

type Bundle = Record<string, string>;

function plainBundleOf(content: Figure | Bundle | string): Bundle {
  if (typeof content === "string") return { "text/plain": content };
  const display =
    (content as unknown as Record<symbol, () => Bundle>)[Symbol.for("Jupyter.display")];
  return typeof display === "function" ? display.call(content) : (content as Bundle);
}

/** One output cell area that can be shown once and then replaced any number of times. */
export class LiveOutput {
  readonly id = `live-${crypto.randomUUID()}`;
  #shown = false;

  /** True inside a Jupyter kernel, where updates are visible. */
  get active(): boolean {
    return broadcaster() !== undefined;
  }

  /**
   * Shows `content` the first time, then replaces it in place. A figure's last update should say
   * `final`: it then carries a PNG beside the SVG, which a notebook reopened from disk shows (the
   * PNG is left out of the updates before it, which come every epoch and would each cost a
   * rasterisation).
   */
  async update(
    content: Figure | Bundle | string,
    options: { final?: boolean } = {},
  ): Promise<void> {
    const broadcast = broadcaster();
    if (!broadcast) return;
    const type = this.#shown ? "update_display_data" : "display_data";
    this.#shown = true;
    const { data, metadata } = options.final && content instanceof Figure
      ? await content.bundle()
      : { data: plainBundleOf(content), metadata: {} };
    await broadcast(type, { data, metadata, transient: { display_id: this.id } });
    // The last state of an output must reach its own cell (see `settle`).
    if (options.final) await settle(JSON.stringify(data).length);
  }
}

/**
 * Formats seconds as "1:05" or "1:02:05".
 *
 * @returns "1:05" or "1:02:05"
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h
    ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`
    : `${m}:${String(r).padStart(2, "0")}`;
}

/**
 * A progress bar for a training run, as HTML for notebooks and plain text for terminals.
 *
 * @param progress where the run is
 * @param elapsedSeconds time since the run started, for the estimate of what is left
 * @returns the output bundle (HTML and text)
 */
export function progressBar(progress: Progress, elapsedSeconds: number): Bundle {
  const done = (progress.epoch - 1 + progress.batch / progress.batches) / progress.epochs;
  return progressBundle(
    done,
    `epoch ${progress.epoch}/${progress.epochs} · batch ${progress.batch}/${progress.batches} · ` +
      `loss ${progress.loss.toFixed(4)} · ${timeLeft(done, elapsedSeconds)}`,
  );
}

/**
 * "0:12 elapsed, ~0:30 left", from the share done and the time so far.
 *
 * @returns the text
 */
export function timeLeft(done: number, elapsedSeconds: number): string {
  const remaining = done > 0 ? (elapsedSeconds * (1 - done)) / done : 0;
  return `${formatDuration(elapsedSeconds)} elapsed, ~${formatDuration(remaining)} left`;
}

/**
 * A bar filled to `done` (0 to 1) with a label, as HTML for notebooks and text for terminals.
 *
 * @returns the output bundle
 */
export function progressBundle(done: number, label: string): Bundle {
  const width = 30, filled = Math.round(done * width), percent = (100 * done).toFixed(1);
  const escaped = escapeHtml(label);
  return {
    "text/html": `<div style="font-family: system-ui, sans-serif; font-size: 13px">` +
      `<progress value="${done.toFixed(4)}" max="1" style="width: 320px; vertical-align: middle">` +
      `</progress> <b>${percent}%</b> ${escaped}</div>`,
    "text/plain": `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${percent}% ${label}`,
  };
}
