/**
 * A learning-rate sweep: each run's final loss against η on a log axis, with the runs that
 * diverged marked.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { bestSweepPoint, type SweepPoint } from "../train/sweep.ts";
import { combine, type Figure, plot } from "./figure.ts";
import { GAP, keyPanel, MAX_FIGURE_WIDTH } from "./figure_key.ts";

/**
 * A learning-rate sweep: the loss after the last epoch against η, both on log scales, the training
 * loss beside the held-out loss. Rates whose training diverged are crosses along the top, past a
 * dashed line where divergence starts; the best rate (lowest held-out loss) is ringed, and a grey
 * dashed line marks the loss of guessing at random, ln(classes).
 *
 * @param points from `sweepPoints` or `learningRateSweep`
 * @param options `title`, `heldOutName` ("validation"), `classes` (10)
 * @returns the figure, at most MAX_WIDTH (840 px) wide
 * @example
 * ```ts
 * import { learningRateSweepChart } from "./sweep_figures.ts";
 * const points = [
 *   { learningRate: 0.1, loss: 0.9, diverged: false, epochs: 3 },
 *   { learningRate: 1, loss: 0.3, diverged: false, epochs: 3 },
 *   { learningRate: 10, diverged: true, epochs: 0 },
 * ];
 * learningRateSweepChart(points, { title: "Sweep" }).title; // "Sweep"
 * ```
 */
export function learningRateSweepChart(
  points: SweepPoint[],
  options: { title: string; heldOutName?: string; classes?: number },
): Figure {
  const held = options.heldOutName ?? "validation";
  const guess = Math.log(options.classes ?? 10);
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  const trained = points.filter((p) => !p.diverged);
  const lines = [
    ...trained.filter((p) => finite(p.loss)).map((p) => ({
      kind: "training",
      x: p.learningRate,
      y: p.loss!,
    })),
    ...trained.filter((p) => finite(p.validationLoss)).map((p) => ({
      kind: held,
      x: p.learningRate,
      y: p.validationLoss!,
    })),
  ];
  const losses = [...lines.map((d) => d.y), guess];
  const top = Math.max(...losses) * 2.5, bottom = Math.min(...losses) / 1.5;
  const rates = points.map((p) => p.learningRate);
  const diverged = points.filter((p) => p.diverged);
  const firstDiverged = diverged.length ? Math.min(...diverged.map((p) => p.learningRate)) : 0;
  // The dashed line sits halfway (on the log scale) between the last rate below it and the first.
  const below = rates.filter((r) => r < firstDiverged);
  const edge = below.length ? Math.sqrt(Math.max(...below) * firstDiverged) : firstDiverged / 1.3;
  const best = bestSweepPoint(points);
  const kinds = ["training", ...(lines.some((d) => d.kind === held) ? [held] : [])];
  const colors = new Map([["training", "#4269d0"], [held, "#ff725c"]]);
  const key = keyPanel([
    ...kinds.map((kind) => ({ label: `${kind} loss`, color: colors.get(kind)! })),
    { label: `guessing at random: ln ${options.classes ?? 10}`, color: "#999", dashed: true },
    ...(diverged.length ? [{ label: "diverged", color: "#d62728", cross: true }] : []),
  ]);
  const chart = plot({
    title: "Final loss against the learning rate",
    width: Math.min(640, MAX_FIGURE_WIDTH - key.size.width - GAP),
    height: 340,
    marginLeft: 55,
    marginRight: 20,
    x: {
      type: "log",
      label: "learning rate η (log scale)",
      labelAnchor: "center",
      domain: [Math.min(...rates) / 1.6, Math.max(...rates) * 1.6],
      tickFormat: "~g",
      grid: true,
    },
    y: {
      type: "log",
      label: "loss after the last epoch (log scale)",
      domain: [bottom, top * 1.4],
      grid: true,
      tickFormat: "~g",
    },
    color: { domain: kinds, range: kinds.map((k) => colors.get(k)!) },
    marks: [
      Plot.ruleY([guess], { stroke: "#999", strokeDasharray: "3,3" }),
      ...(diverged.length
        ? [
          Plot.ruleX([edge], { stroke: "#d62728", strokeDasharray: "4,4" }),
          Plot.text([edge], {
            x: (d) => d,
            y: bottom,
            text: () => "diverges →",
            textAnchor: "start",
            dx: 4,
            dy: -8,
            fill: "#d62728",
            fontSize: 11,
          }),
          Plot.dot(diverged, {
            x: "learningRate",
            y: top,
            symbol: "times",
            stroke: "#d62728",
            strokeWidth: 2.5,
            r: 7,
          }),
          Plot.text(diverged, {
            x: "learningRate",
            y: top,
            text: () => "diverged",
            dy: -13,
            fill: "#d62728",
            fontSize: 10,
          }),
        ]
        : []),
      Plot.line(lines, { x: "x", y: "y", stroke: "kind", z: "kind", strokeWidth: 2 }),
      Plot.dot(lines, { x: "x", y: "y", fill: "kind", r: 3.5 }),
      ...(best
        ? [
          Plot.dot([best], {
            x: "learningRate",
            y: (p: SweepPoint) => p.validationLoss ?? p.loss,
            r: 9,
            stroke: "#222",
            strokeWidth: 1.5,
          }),
          Plot.text([best], {
            x: "learningRate",
            y: (p: SweepPoint) => p.validationLoss ?? p.loss,
            text: (p: SweepPoint) => `best: η = ${p.learningRate}`,
            dy: -18,
            fill: "#222",
            fontWeight: 600,
            stroke: "white",
            strokeWidth: 3,
          }),
        ]
        : []),
    ],
  });
  return combine([chart, key], { title: options.title, gap: GAP });
}
