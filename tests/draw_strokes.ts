/**
 * Drawing on the pad with a real mouse, for the browser tests: a 28 × 28 image becomes strokes on
 * the 280 × 280 canvas, and the strokes are drawn with button down, moves and button up.
 *
 * @module
 */

import type { Page } from "playwright-core";

/** Strokes that redraw a 28 × 28 image on the 280 × 280 pad: one per run of ink along each row. */
export function strokesOf(pixels: Float32Array): [number, number][][] {
  const strokes: [number, number][][] = [];
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (pixels[y * 28 + x] < 0.4) continue;
      const start = x;
      while (x + 1 < 28 && pixels[y * 28 + x + 1] >= 0.4) x++;
      strokes.push([[10 * start + 5, 10 * y + 5], [10 * x + 5, 10 * y + 5]]);
    }
  }
  return strokes;
}

/** Draws `strokes` (pad coordinates) on the canvas whose box on the page is `box`. */
export async function drawOnPad(
  page: Page,
  box: { x: number; y: number },
  strokes: [number, number][][],
): Promise<void> {
  // One move per segment: the pad draws straight lines between the points it is given.
  for (const stroke of strokes) {
    await page.mouse.move(box.x + stroke[0][0], box.y + stroke[0][1]);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) {
      await page.mouse.move(box.x + x, box.y + y);
    }
    await page.mouse.up();
  }
  await page.waitForTimeout(50);
}
