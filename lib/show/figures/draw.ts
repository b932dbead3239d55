/**
 * Pictures of MNIST's preprocessing applied to your own digit: every step of `mnistStyle` side by
 * side, as the image stands after it.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { GreyImage, MnistSteps } from "../../data/own_digit.ts";
import { combine, type Figure, plot } from "../figure.ts";
import { pngDataUrl } from "../png.ts";

/** One grey image (0 black, 1 white) at its own aspect ratio, at most `size` pixels each way. */
function panel(title: string, image: GreyImage, size = 120): Figure {
  const scale = size / Math.max(image.width, image.height);
  const [w, h] = [Math.max(8, image.width * scale), Math.max(8, image.height * scale)];
  // Enlarged by whole pixels first: image viewers blur a small image they enlarge.
  const block = Math.max(1, Math.ceil(scale));
  const W = image.width * block, H = image.height * block;
  const bytes = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = image.pixels[Math.floor(y / block) * image.width + Math.floor(x / block)];
      bytes[y * W + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
    }
  }
  return plot({
    title,
    width: w + 10,
    height: h + 10,
    margin: 5,
    x: { domain: [0, 1], axis: null },
    y: { domain: [0, 1], axis: null },
    marks: [
      Plot.image([0], {
        x: 0.5,
        y: 0.5,
        width: w,
        height: h,
        src: () => pngDataUrl(W, H, bytes),
        imageRendering: "pixelated",
      }),
      Plot.frame({ stroke: "#999" }),
    ],
  });
}

/**
 * Every step of MNIST's preprocessing of one picture, left to right: (1) grey levels, (2) ink
 * light on dark (inverted if it was dark on light), (3) cropped to the ink, (4) scaled so that its
 * longer side is 20 pixels, (5) centred by mass in 28 × 28.
 *
 * @param options `title`
 * @returns the figure
 */
export function preprocessingSteps(steps: MnistSteps, options: { title: string }): Figure {
  const size = (image: GreyImage) => `${image.width}×${image.height}`;
  return combine([
    panel("1. grey", steps.grey),
    panel(steps.inverted ? "2. inverted" : "2. as it is", steps.ink),
    panel("3. cropped", steps.cropped),
    panel("4. scaled", steps.scaled),
    panel("5. centred", { width: 28, height: 28, pixels: steps.digit }),
  ], {
    title: `${options.title}: ${size(steps.grey)} → ${size(steps.cropped)} → ${
      size(steps.scaled)
    } → 28×28`,
    columns: 5,
  });
}
