/**
 * The check every figure test makes: the figure has its title, drawn, and is no wider than a
 * notebook's output shows.
 *
 * @module
 */
import { assert, assertEquals } from "./assert.ts";
import { type Figure, MAX_FIGURE_WIDTH } from "../lib/mod.ts";

/** Asserts that `figure` is titled `title`, draws it, and fits MAX_FIGURE_WIDTH. */
export function fits(figure: Figure, title: string): void {
  assertEquals(figure.title, title);
  assert(figure.svg.includes(`>${title}</text>`), "the title is drawn");
  const { width } = figure.size;
  assert(width > 0 && width <= MAX_FIGURE_WIDTH, `${title}: ${width} px wide`);
}
