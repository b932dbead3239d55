/**
 * Figures of chosen examples of a data set: a grid of digits with captions, and the four outcomes
 * of one class (true and false positives and negatives).
 *
 * @module
 */

import { type Examples, imageOf } from "../../data/preprocess.ts";
import type { outcomesFor } from "../../eval/metrics.ts";
import { combine, type Figure } from "../figure.ts";
import { imageGrid } from "./digits.ts";

/**
 * The examples at `indices` in a grid, each with a caption.
 *
 * @param options `title`, `caption` of example i, caption `color`, `columns` (default 10)
 * @returns the figure
 */
export function examplesGrid(
  examples: Examples,
  indices: number[],
  options: { title: string; caption: (i: number) => string; color?: string; columns?: number },
): Figure {
  return imageGrid(
    indices.map((i) => ({
      pixels: imageOf(examples, i),
      caption: options.caption(i),
      color: options.color,
    })),
    { title: options.title, columns: options.columns ?? 10 },
  );
}

/**
 * Up to ten examples of each outcome of "is it class `target`?", one row per outcome.
 *
 * @param outcomes from `outcomesFor`
 * @param options `title`, `caption` of example i
 * @returns the figure
 */
export function outcomesFigure(
  examples: Examples,
  outcomes: ReturnType<typeof outcomesFor>,
  options: { title: string; caption: (i: number) => string },
): Figure {
  const row = (title: string, indices: number[]) =>
    examplesGrid(examples, indices.slice(0, 10), {
      title: `${title}: ${indices.length}`,
      caption: options.caption,
    });
  return combine([
    row("True positives", outcomes.truePositives),
    row("False positives", outcomes.falsePositives),
    row("False negatives", outcomes.falseNegatives),
    row("True negatives", outcomes.trueNegatives),
  ], { title: options.title, columns: 1 });
}
