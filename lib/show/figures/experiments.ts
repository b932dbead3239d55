/**
 * The figures and tables of notebook 08, experiments: inside deep networks, the hidden layers'
 * activations (where a sigmoid saturates) and each layer's gradient norm (where it vanishes), for
 * several networks side by side; and a learning-rate sweep, each run's final loss against η on a
 * log axis, with the runs that diverged marked.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { ActivationName } from "../../nn/activations.ts";
import {
  gradientShrink,
  type NetworkProfile,
  SATURATION_SLOPE,
} from "../../nn/layer_statistics.ts";
import { bestSweepPoint, type SweepPoint } from "../../train/sweep.ts";
import { histogramBins } from "../charts/histograms.ts";
import { combine, type Figure, plot } from "../figure.ts";
import { type Table, table } from "../table.ts";
import { colorsOf, GAP, keyPanel, keyWidth, MAX_FIGURE_WIDTH } from "../figure_key.ts";

/** The activation values where a hidden activation is saturated: f'(z) below a fifth of its peak. */
function saturatedRanges(hidden: ActivationName): [number, number][] {
  const t = SATURATION_SLOPE;
  if (hidden === "sigmoid") {
    // σ' = a(1 − a) < t/4 where a < (1 − √(1 − t)) / 2, and symmetrically near 1.
    const edge = (1 - Math.sqrt(1 - t)) / 2;
    return [[0, edge], [1 - edge, 1]];
  }
  if (hidden === "tanh") {
    // tanh' = 1 − a² < t where |a| > √(1 − t).
    const edge = Math.sqrt(1 - t);
    return [[-1, -edge], [edge, 1]];
  }
  return [];
}

/** The x range a column of activation histograms spans: the activation's range, or its data's. */
function activationDomain(hidden: ActivationName, values: Float32Array[]): [number, number] {
  if (hidden === "sigmoid") return [0, 1];
  if (hidden === "tanh") return [-1, 1];
  const all = new Float32Array(values.reduce((n, v) => n + v.length, 0));
  values.reduce((at, v) => (all.set(v, at), at + v.length), 0);
  all.sort();
  const high = all[Math.min(all.length - 1, Math.floor(0.99 * all.length))];
  return [hidden === "silu" ? -0.3 : 0, Math.max(0.5, Math.ceil(high * 10) / 10)];
}

const STAGE_COLORS = ["#4269d0", "#ff725c", "#3ca951", "#efb118"];

/**
 * Histograms of every hidden layer's activations, one column per network and one row per layer,
 * each stage (such as before and after training) in its own colour. Where the activation
 * saturates (f'(z) below a fifth of its peak: a sigmoid near 0 or 1, tanh near ±1) is shaded.
 * ReLU and SiLU columns run to their values' 99th percentile.
 *
 * @param stages the profiles of each network at each stage, by the stage's name; every stage lists
 *   the same networks in the same order
 * @param options `title`, `bins` per histogram (default 30)
 * @returns the figure, at most MAX_WIDTH (840 px) wide
 * @example
 * ```ts
 * import { activationDistributions } from "./experiments.ts";
 * import { createNetwork, matrix, profileNetwork } from "../../mod.ts";
 * const batch = { images: matrix(4, 784), labels: new Uint8Array(4) };
 * const profile = profileNetwork(createNetwork({ sizes: [784, 8, 8, 10] }), batch);
 * activationDistributions({ "at initialisation": [profile] }, { title: "Activations" }).title; // "Activations"
 * ```
 */
export function activationDistributions(
  stages: Record<string, NetworkProfile[]>,
  options: { title: string; bins?: number },
): Figure {
  const stageNames = Object.keys(stages);
  const networks = stages[stageNames[0]] ?? [];
  if (networks.length === 0) {
    throw new RangeError("Cannot draw activation distributions: expected profiles, found none");
  }
  const layers = networks[0].activations.length;
  const layerName = (l: number) => `layer ${l + 1}`;
  const stageColor = new Map(stageNames.map((s, i) => [s, STAGE_COLORS[i % STAGE_COLORS.length]]));
  const columnWidth = Math.min(
    260,
    Math.floor((MAX_FIGURE_WIDTH - GAP * (networks.length - 1)) / networks.length),
  );
  const columns = networks.map((network, n) => {
    const profiles = stageNames.map((stage) => stages[stage][n]);
    const domain = activationDomain(network.hidden, profiles.flatMap((p) => p.activations));
    const bins = stageNames.flatMap((stage, s) =>
      profiles[s].activations.flatMap((values, l) =>
        histogramBins(values, options.bins ?? 30, domain).map((b) => ({
          ...b,
          stage,
          layer: layerName(l),
          share: b.count / values.length,
        }))
      )
    );
    const bands = saturatedRanges(network.hidden).map(([x1, x2]) => ({ x1, x2 }));
    const layerNames = Array.from({ length: layers }, (_, l) => layerName(l));
    return plot({
      title: network.name,
      width: columnWidth,
      height: 40 + 70 * layers,
      marginLeft: 42,
      marginRight: 8,
      x: { domain, label: "activation value", labelAnchor: "center", ticks: 4 },
      y: { label: "share of values (√ scale)", type: "sqrt", ticks: 2, tickFormat: ".0%" },
      fy: { domain: layerNames, axis: null, padding: 0.2 },
      color: { type: "identity" },
      marks: [
        Plot.rectX(bands, { x1: "x1", x2: "x2", fill: "#f28e2c", fillOpacity: 0.15 }),
        // Each stage from zero: overlaid, not stacked.
        Plot.rectY(bins, {
          x1: "x0",
          x2: "x1",
          y1: 0,
          y2: "share",
          fy: "layer",
          fill: (d) => stageColor.get(d.stage),
          fillOpacity: stageNames.length > 1 ? 0.5 : 0.85,
        }),
        Plot.text(layerNames, {
          fy: (d) => d,
          text: (d) => `hidden ${d}`,
          frameAnchor: "top-right",
          dx: -4,
          dy: 3,
          fill: "#444",
          fontSize: 10,
          stroke: "white",
          strokeWidth: 3,
        }),
        Plot.frame({ stroke: "#ddd" }),
      ],
    });
  });
  const grid = combine(columns, { gap: GAP });
  const entries = [
    ...stageNames.map((stage) => ({ label: stage, color: stageColor.get(stage)!, swatch: true })),
    ...(networks.some((p) => saturatedRanges(p.hidden).length)
      ? [{ label: "saturated: f′(z) below a fifth of its peak", color: "#f8c898", swatch: true }]
      : []),
  ];
  const key = keyPanel(entries, keyWidth(entries, MAX_FIGURE_WIDTH));
  return combine([grid, key], { title: options.title, columns: 1, gap: 4 });
}

/**
 * The x axis of a chart against the learning rate: a log scale a little wider than the rates tried.
 *
 * @param rates the learning rates on the chart
 * @returns Plot's options for the axis
 */
export function learningRateAxis(rates: number[]) {
  return {
    type: "log" as const,
    label: "learning rate η (log scale)",
    labelAnchor: "center" as const,
    domain: [Math.min(...rates) / 1.6, Math.max(...rates) * 1.6],
    tickFormat: "~g",
    grid: true,
  };
}

/**
 * The norm of each weight layer's gradient, ‖∂L/∂W‖ on a log scale, one line per network and one
 * panel per stage: a line that falls towards layer 1 (the input side) is a gradient that vanishes
 * on its way back.
 *
 * @param stages the profiles of each network at each stage, by the stage's name
 * @param options `title`
 * @returns the figure, at most MAX_WIDTH (840 px) wide
 * @example
 * ```ts
 * import { gradientNormChart } from "./experiments.ts";
 * import { createNetwork, matrix, profileNetwork } from "../../mod.ts";
 * const batch = { images: matrix(4, 784), labels: new Uint8Array(4) };
 * const profile = profileNetwork(createNetwork({ sizes: [784, 8, 8, 10] }), batch);
 * gradientNormChart({ "at initialisation": [profile] }, { title: "Gradient norms" }).title; // "Gradient norms"
 * ```
 */
export function gradientNormChart(
  stages: Record<string, NetworkProfile[]>,
  options: { title: string },
): Figure {
  const stageNames = Object.keys(stages);
  const names = (stages[stageNames[0]] ?? []).map((p) => p.name);
  const colors = colorsOf(names);
  const points = (profiles: NetworkProfile[]) =>
    profiles.flatMap((p) =>
      p.gradientNorms.map((value, l) => ({ name: p.name, layer: l + 1, value }))
    );
  const all = stageNames.flatMap((stage) => points(stages[stage])).filter((d) => d.value > 0);
  const values = all.map((d) => d.value);
  const domain = [Math.min(...values) / 1.5, Math.max(...values) * 1.5];
  const layers = Math.max(...all.map((d) => d.layer));
  const key = keyPanel(names.map((name) => ({ label: name, color: colors.get(name)! })));
  const width = Math.min(
    420,
    Math.floor((MAX_FIGURE_WIDTH - key.size.width - GAP * stageNames.length) / stageNames.length),
  );
  const panels = stageNames.map((stage) => {
    const data = points(stages[stage]).filter((d) => d.value > 0);
    return plot({
      title: stage,
      width,
      height: 300,
      marginLeft: 55,
      x: {
        label: "weight layer (1 = next to the input)",
        labelAnchor: "center",
        domain: [0.7, layers + 0.3],
        ticks: layers,
        tickFormat: "d",
      },
      y: { label: "‖∂L/∂W‖ (log scale)", type: "log", domain, grid: true, tickFormat: "~g" },
      color: { domain: names, range: names.map((n) => colors.get(n)!) },
      marks: [
        Plot.line(data, { x: "layer", y: "value", stroke: "name", z: "name", strokeWidth: 2 }),
        Plot.dot(data, { x: "layer", y: "value", fill: "name", r: 3 }),
      ],
    });
  });
  return combine([...panels, key], { title: options.title, gap: GAP });
}

/**
 * The numbers behind the activation and gradient figures, one row per network and stage: the
 * loss, the mean slope f'(z) of each hidden layer, the share of the last hidden layer that is
 * saturated, and how much smaller the first layer's gradient is than the last's.
 *
 * @param stages the profiles of each network at each stage, by the stage's name
 * @returns the table
 * @example
 * ```ts
 * import { profileTable } from "./experiments.ts";
 * import { createNetwork, matrix, profileNetwork } from "../../mod.ts";
 * const batch = { images: matrix(4, 784), labels: new Uint8Array(4) };
 * profileTable({ now: [profileNetwork(createNetwork({ sizes: [784, 8, 8, 10] }), batch)] }).height; // 1
 * ```
 */
export function profileTable(stages: Record<string, NetworkProfile[]>): Table {
  return table(
    Object.entries(stages).flatMap(([stage, profiles]) =>
      profiles.map((p) => ({
        stage,
        network: p.name,
        loss: p.loss,
        "mean f′(z), hidden layers 1 → last": p.meanSlopes.map((s) => s.toFixed(2)).join(" · "),
        "saturated, last hidden layer (%)": 100 * p.saturated.at(-1)!,
        "‖∂L/∂W₁‖ ÷ ‖∂L/∂W_last‖": gradientShrink(p),
      }))
    ),
  );
}

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
 * import { learningRateSweepChart } from "./experiments.ts";
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
    x: learningRateAxis(rates),
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
