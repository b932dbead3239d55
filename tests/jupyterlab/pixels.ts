/**
 * Reading a screenshot as a reader's eye would: whether a figure's text stands out from what is
 * behind it. Contrast is WCAG's ratio of relative luminances, (L₁ + 0.05) / (L₂ + 0.05): 1 for
 * the same colour, 21 for black on white; body text needs 4.5.
 *
 * @module
 */

import { PNG } from "pngjs";

/** The decoded pixels of a PNG screenshot (RGBA, row by row). */
export interface Pixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes a PNG. */
export function decodePng(bytes: Uint8Array): Pixels {
  const png = PNG.sync.read(bytes as unknown as Parameters<typeof PNG.sync.read>[0]);
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

const linear = (c: number) => {
  const v = c / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};

/** The relative luminance of pixel `i`. */
function luminance(pixels: Pixels, i: number): number {
  const d = pixels.data;
  return 0.2126 * linear(d[4 * i]) + 0.7152 * linear(d[4 * i + 1]) + 0.0722 * linear(d[4 * i + 2]);
}

/** WCAG's contrast ratio of two luminances. */
export function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** What a band of rows holds: its background (the commonest colour) and how its ink contrasts. */
export interface Legibility {
  /** The background's luminance. */
  background: number;
  /** How many pixels contrast with the background by at least 4.5. */
  legiblePixels: number;
  /** The strongest contrast of any pixel with the background. */
  best: number;
}

/**
 * Finds the background of rows `top` to `bottom` (the commonest colour, quantised) and counts the
 * pixels that stand out from it by WCAG's 4.5.
 */
export function legibility(pixels: Pixels, top = 0, bottom = pixels.height): Legibility {
  const counts = new Map<number, { n: number; i: number }>();
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < pixels.width; x++) {
      const i = y * pixels.width + x, d = pixels.data;
      const key = ((d[4 * i] >> 3) << 10) | ((d[4 * i + 1] >> 3) << 5) | (d[4 * i + 2] >> 3);
      const entry = counts.get(key);
      if (entry) entry.n++;
      else counts.set(key, { n: 1, i });
    }
  }
  let commonest = { n: 0, i: 0 };
  for (const entry of counts.values()) if (entry.n > commonest.n) commonest = entry;
  const background = luminance(pixels, commonest.i);
  let legiblePixels = 0, best = 1;
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < pixels.width; x++) {
      const ratio = contrast(luminance(pixels, y * pixels.width + x), background);
      if (ratio >= 4.5) legiblePixels++;
      best = Math.max(best, ratio);
    }
  }
  return { background, legiblePixels, best };
}
