/**
 * Plain results for notebook cells: `await show(text(…), check(…))` shows plain text under the
 * cell (see `show.ts` for why cells show through `show` rather than `console.log`).
 *
 * @module
 */

/** Text that a notebook shows as it is, without quotes or colours. */
export class Text {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }

  /** What Deno's Jupyter kernel shows when a cell ends on this value. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.value };
  }
}

/**
 * Lines of text to show as a cell's result.
 *
 * @returns the text, which a cell shows as it is
 * @example
 * ```ts
 * text("training images (60000, 28, 28)", "test images (10000, 28, 28)");
 * ```
 */
export function text(...lines: (string | number | Text)[]): Text {
  return new Text(lines.join("\n"));
}

/**
 * A check that a notebook shows: "✓ what" when `condition` holds; otherwise it throws, so the cell
 * fails visibly (and the notebook test fails with it).
 *
 * @param condition what must be true
 * @param what the claim, phrased as a fact: "rows sum to 1"
 * @returns "✓ what", which a cell shows; it throws when the condition fails
 */
export function check(condition: boolean, what: string): Text {
  if (!condition) throw new Error(`Check failed: ${what}`);
  return new Text(`✓ ${what}`);
}
