/**
 * The figures of notebook 09, augmentation: one digit beside many distorted copies of it, a row
 * per kind of distortion with its settings as the row's title; and one elastic displacement field
 * taken apart (dx and dy as diverging heatmaps, arrows over the digit, the digit it gives).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { Augmenter, type AugmentSettings } from "../../data/augment.ts";
import {
  describeAugment,
  displaceImage,
  type DisplacementField,
  displacementSize,
} from "../../data/displacement.ts";
import { type GridItem, imageGrid, imageSource, type Pixels } from "../charts/digits.ts";
import { combine, document, Figure, plot } from "../figure.ts";

/**
 * The kinds of distortion one set of settings makes, each on its own and then together: shift,
 * rotation, scale and shear alone, all four (affine), elastic, and affine with elastic; then the
 * mirror and the erasing alone, and everything at once. Rows whose setting is 0 are left out.
 *
 * @param settings the augmentation's ranges (its `augment` is ignored)
 * @returns one complete set of settings per row of the gallery
 * @example
 * ```ts
 * import { augmentRows } from "./augmentation.ts";
 * const settings = { augment: "none", shift: 2, rotation: 10, scale: 0.1, shear: 10, elasticAlpha: 34, elasticSigma: 4 } as const;
 * augmentRows(settings).map((row) => row.augment); // ["affine", "affine", "affine", "affine", "affine", "elastic", "affine+elastic"]
 * augmentRows({ ...settings, rotation: 0, scale: 0, shear: 0, elasticAlpha: 0, mirror: 0.5, erase: 0.5 }).length; // 4: shift, mirror, erase, all three
 * ```
 */
export function augmentRows(settings: AugmentSettings): AugmentSettings[] {
  const none = { shift: 0, rotation: 0, scale: 0, shear: 0 };
  const plain = { mirror: 0, erase: 0 };
  const alone = (["shift", "rotation", "scale", "shear"] as const)
    .filter((key) => settings[key] > 0)
    .map((key) => ({
      ...settings,
      ...none,
      ...plain,
      augment: "affine" as const,
      [key]: settings[key],
    }));
  const distortions: AugmentSettings[] = [
    ...alone,
    ...(alone.length > 1 ? [{ ...settings, ...plain, augment: "affine" as const }] : []),
    ...(settings.elasticAlpha > 0
      ? [
        { ...settings, ...plain, augment: "elastic" as const },
        ...(alone.length ? [{ ...settings, ...plain, augment: "affine+elastic" as const }] : []),
      ]
      : []),
  ];
  const mirror = settings.mirror ?? 0, erase = settings.erase ?? 0;
  const unchanged = { ...settings, ...none, ...plain, augment: "none" as const };
  const extras = [
    ...(mirror > 0 ? [{ ...unchanged, mirror }] : []),
    ...(erase > 0 ? [{ ...unchanged, erase }] : []),
  ];
  // Everything at once: the last distortion row with the mirror and the erasing, when that is more
  // than one row already shows.
  const together = extras.length && distortions.length + extras.length > 1
    ? [{ ...(distortions.at(-1) ?? unchanged), mirror, erase }]
    : [];
  return [...distortions, ...extras, ...together];
}

/**
 * One digit and `count` distorted copies of it for each row of settings: the original first, then
 * the copies, each row titled with what it does ("affine: rotation ±10°").
 *
 * @param pixels the digit, 784 values
 * @param rows the settings of each row, as from {@linkcode augmentRows}
 * @param options `title`, copies per row (`count`, default 8), `seed` (default 695), image `size`
 *   (default 48)
 * @returns the figure
 * @example
 * ```ts
 * import { augmentationGallery } from "./augmentation.ts";
 * const digit = new Float32Array(784).fill(0.5);
 * const rows = [{ augment: "affine", shift: 2, rotation: 10, scale: 0.1, shear: 10, elasticAlpha: 34, elasticSigma: 4 }] as const;
 * augmentationGallery(digit, [...rows], { title: "A digit, distorted", count: 3 }).title; // "A digit, distorted"
 * ```
 */
export function augmentationGallery(
  pixels: Pixels,
  rows: AugmentSettings[],
  options: { title: string; count?: number; seed?: number; size?: number },
): Figure {
  const side = Math.round(Math.sqrt(pixels.length));
  const source = Float32Array.from(pixels);
  const count = options.count ?? 8;
  const grids = rows.map((settings, r) => {
    const augmenter = new Augmenter(settings, side, side, (options.seed ?? 695) + r);
    const items: GridItem[] = [
      { pixels: source, caption: "original", color: "#777" },
      ...Array.from({ length: count }, (_, i) => ({
        pixels: augmenter.distort(source, new Float32Array(source.length)),
        caption: `copy ${i + 1}`,
      })),
    ];
    return imageGrid(items, {
      title: describeAugment(settings),
      columns: count + 1,
      size: options.size ?? 48,
    });
  });
  return combine(grids, { title: options.title, columns: 1, gap: 10 });
}

/**
 * One elastic displacement field taken apart, in four panels: dx and dy as diverging heatmaps
 * (red: the pixel reads from the right or below; blue: from the left or above), arrows over the
 * digit showing where ink moves (from the point a pixel reads to the pixel), and the digit the
 * field gives.
 *
 * @param pixels the digit, width × height values
 * @param field the displacement, as from `elasticField`
 * @param options `title`, `step` between arrows in pixels (default 2), panel `size` (default 155)
 * @returns the figure, at most MAX_WIDTH (840 px) wide
 * @example
 * ```ts
 * import { displacementFigure } from "./augmentation.ts";
 * import { elasticField } from "../../data/displacement.ts";
 * const digit = new Float32Array(784).fill(0.5);
 * displacementFigure(digit, elasticField({ seed: 1 }), { title: "One elastic field" }).title; // "One elastic field"
 * ```
 */
export function displacementFigure(
  pixels: Pixels,
  field: DisplacementField,
  options: { title: string; step?: number; size?: number },
): Figure {
  const { width: w, height: h } = field;
  const size = options.size ?? 155, step = options.step ?? 2;
  let limit = 0;
  for (let i = 0; i < field.dx.length; i++) {
    limit = Math.max(limit, Math.abs(field.dx[i]), Math.abs(field.dy[i]));
  }
  limit = Math.max(limit, 1e-6);
  const frame = {
    width: size + 45,
    height: size + 45,
    marginTop: 5,
    marginRight: 5,
    marginBottom: 40,
    marginLeft: 40,
    x: { domain: [0, w], label: "column (pixel) →", labelAnchor: "center" as const, ticks: 4 },
    y: { domain: [h, 0], label: "↓ row (pixel)", labelAnchor: "center" as const, ticks: 4 },
  };
  const cells = (values: Float32Array) =>
    Array.from(values, (value, i) => ({ x: i % w, y: Math.floor(i / w), value }));
  // Quantized, so that the legend is drawn with rectangles (linkedom has no canvas).
  const color: Plot.ScaleOptions = {
    type: "quantize",
    n: 9,
    scheme: "burd",
    domain: [-limit, limit],
    label: "dx, dy in pixels (red: read from the right or below)",
  };
  const heatmap = (values: Float32Array, title: string) =>
    plot({
      ...frame,
      title,
      color,
      marks: [
        Plot.rect(cells(values), {
          x1: "x",
          x2: (d) => d.x + 1,
          y1: "y",
          y2: (d) => d.y + 1,
          fill: "value",
        }),
        Plot.frame({ stroke: "#999" }),
      ],
    });
  const image = (values: Pixels) =>
    Plot.image([0], {
      x: w / 2,
      y: h / 2,
      width: size,
      height: size,
      src: () => imageSource(values),
      imageRendering: "pixelated",
    });
  const arrows: { x1: number; y1: number; x2: number; y2: number }[] = [];
  for (let y = Math.floor(step / 2); y < h; y += step) {
    for (let x = Math.floor(step / 2); x < w; x += step) {
      const i = y * w + x;
      arrows.push({
        x1: x + 0.5 + field.dx[i],
        y1: y + 0.5 + field.dy[i],
        x2: x + 0.5,
        y2: y + 0.5,
      });
    }
  }
  const moved = displacementSize(field);
  const panels = combine([
    heatmap(field.dx, "dx: horizontal"),
    heatmap(field.dy, "dy: vertical"),
    plot({
      ...frame,
      title: "Where ink moves",
      marks: [
        image(pixels),
        Plot.arrow(arrows, {
          x1: "x1",
          y1: "y1",
          x2: "x2",
          y2: "y2",
          stroke: "#d62728",
          strokeWidth: 1.2,
          headLength: 5,
          clip: true,
        }),
        Plot.frame({ stroke: "#999" }),
      ],
    }),
    plot({
      ...frame,
      title: "Distorted digit",
      caption: `moves ${moved.mean.toFixed(1)} px on average`,
      marks: [image(displaceImage(pixels, field)), Plot.frame({ stroke: "#999" })],
    }),
  ], { gap: 10 });
  return combine([panels, colorLegend(color, 2 * frame.width)], {
    title: options.title,
    columns: 1,
    gap: 0,
  });
}

/** A colour scale's legend on its own, as a figure to place under the charts it explains. */
function colorLegend(color: Plot.ScaleOptions, width: number): Figure {
  // Plot reads the document to draw into from the options, which its types omit for legends.
  const options = { color, width, marginLeft: 40, document } as Parameters<typeof Plot.legend>[0];
  const legend = Plot.legend(options) as unknown as { outerHTML: string };
  return new Figure(legend.outerHTML, String(color.label ?? "legend"));
}
