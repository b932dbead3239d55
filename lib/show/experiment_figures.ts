/**
 * The figures and tables of notebook 08's experiments: several runs' curves on shared axes, one
 * colour per run, and their final figures; the hidden layers' activations and each layer's
 * gradient norm for several networks (where a deep sigmoid network saturates and its gradients
 * vanish); a learning-rate sweep's final loss against η. And a table that compares evaluations,
 * for notebook 09.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type pl from "nodejs-polars";
import type { SetReport } from "../eval/evaluate.ts";
import type { ActivationName } from "../nn/activations.ts";
import { gradientShrink, type NetworkProfile, SATURATION_SLOPE } from "../nn/layer_statistics.ts";
import type { EpochRecord } from "../train/records.ts";
import { bestSweepPoint, type SweepPoint } from "../train/sweep.ts";
import { histogramBins } from "./chart_plots.ts";
import { combine, type Figure, plot } from "./figure.ts";
import { table } from "./tables.ts";

/** The colours of successive runs (Tableau 10). */
export const RUN_COLORS = [
  "#4e79a7",
  "#f28e2c",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc949",
  "#af7aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ab",
];

/** The widest a figure may be, in CSS pixels: what a notebook shows without scrolling. */
export const MAX_FIGURE_WIDTH = 900;

const GAP = 12;

/** One line of a key: a coloured line (solid or dashed) or a symbol, and its label. */
interface KeyEntry {
  label: string;
  color: string;
  dashed?: boolean;
  cross?: boolean;
  /** A filled square, for areas and bars. */
  swatch?: boolean;
}

/** The width a key needs for its longest label. */
function keyWidth(entries: KeyEntry[], widest = 260): number {
  const longest = Math.max(...entries.map((e) => e.label.length));
  return Math.min(widest, Math.max(110, Math.ceil(40 + 6.4 * longest)));
}

/** A key: one row per entry, drawn with the same strokes as the chart it explains. */
function keyPanel(entries: KeyEntry[], width = keyWidth(entries)): Figure {
  const rows = entries.map((entry, y) => ({ ...entry, y }));
  const line = (dashed: boolean) =>
    Plot.link(rows.filter((r) => !r.cross && !r.swatch && Boolean(r.dashed) === dashed), {
      x1: 0,
      x2: 1.6,
      y1: "y",
      y2: "y",
      stroke: "color",
      strokeWidth: 2.5,
      strokeDasharray: dashed ? "5,3" : undefined,
    });
  return plot({
    title: "Key",
    width,
    height: 22 * entries.length + 14,
    margin: 7,
    x: { domain: [0, 12], axis: null },
    y: { domain: [-0.5, entries.length - 0.5], axis: null, reverse: true },
    color: { type: "identity" },
    marks: [
      line(false),
      line(true),
      Plot.dot(rows.filter((r) => r.cross), {
        x: 0.8,
        y: "y",
        symbol: "times",
        stroke: "color",
        strokeWidth: 2,
        r: 4.5,
      }),
      Plot.dot(rows.filter((r) => r.swatch), {
        x: 0.8,
        y: "y",
        symbol: "square",
        fill: "color",
        fillOpacity: 0.6,
        r: 6,
      }),
      Plot.text(rows, { x: 2.2, y: "y", text: "label", textAnchor: "start", fontSize: 11 }),
    ],
  });
}

/** A colour for each name, in order. */
function colorsOf(names: string[]): Map<string, string> {
  return new Map(names.map((name, i) => [name, RUN_COLORS[i % RUN_COLORS.length]]));
}

/** What `runsChart` and `runsTable` read of a run. */
export interface RunCurves {
  name: string;
  history: EpochRecord[];
  /** Why the run diverged, when it did. */
  diverged?: string;
  stopped?: boolean;
  seconds?: number;
}

/** Which curves a panel of `runsChart` draws. */
export type CurveKind = "training" | "held-out" | "both";

/**
 * Several runs' loss and accuracy over the epochs on shared axes, one colour per run, with a key:
 * the loss on a log scale beside the accuracy. Each panel draws the training curves, the
 * held-out ones (solid), or both (training dashed). A run that diverged ends in a cross.
 *
 * @param runs the runs, as from `trainVariants`
 * @param options `title`, `epochs` (the x axis's length), `heldOutName` ("validation"), which
 *   curves the `loss` panel draws (default "training") and the `accuracy` panel (default
 *   "held-out"); without held-out records both draw the training curves
 * @returns the figure, at most 900 px wide
 * @example
 * ```ts
 * import { runsChart } from "./experiment_figures.ts";
 * const history = [{ epoch: 1, loss: 0.5, trainAccuracy: 0.8, validationAccuracy: 0.82, validationLoss: 0.45, learningRate: 0.1, seconds: 1 }];
 * runsChart([{ name: "sgd η 0.1", history }], { title: "Optimizers" }).title; // "Optimizers"
 * ```
 */
export function runsChart(
  runs: RunCurves[],
  options: {
    title: string;
    epochs?: number;
    heldOutName?: string;
    loss?: CurveKind;
    accuracy?: CurveKind;
  },
): Figure {
  const held = options.heldOutName ?? "validation";
  const names = runs.map((r) => r.name);
  const colors = colorsOf(names);
  const hasHeld = runs.some((r) => r.history.some((h) => h.validationLoss !== undefined));
  const lossKind = hasHeld ? options.loss ?? "training" : "training";
  const accuracyKind = hasHeld ? options.accuracy ?? "held-out" : "training";
  type Key = "loss" | "validationLoss" | "trainAccuracy" | "validationAccuracy";
  const series = (key: Key, scale: number) =>
    runs.flatMap((r) =>
      r.history.filter((h) => h[key] !== undefined).map((h) => ({
        name: r.name,
        epoch: h.epoch,
        value: scale * (h[key] as number),
      }))
    );
  const longest = Math.max(2, options.epochs ?? 0, ...runs.map((r) => r.history.length));
  const describe = (kind: CurveKind, what: string) =>
    kind === "training"
      ? `Training ${what}`
      : kind === "held-out"
      ? `${held[0].toUpperCase()}${held.slice(1)} ${what}`
      : `${what[0].toUpperCase()}${what.slice(1)}: training and ${held}`;
  const entries: KeyEntry[] = runs.map((r) => ({
    label: r.diverged ? `${r.name} (diverged)` : r.name,
    color: colors.get(r.name)!,
  }));
  if (lossKind === "both" || accuracyKind === "both") {
    entries.push({ label: "training", color: "#555", dashed: true });
    entries.push({ label: held, color: "#555" });
  }
  if (runs.some((r) => r.diverged)) entries.push({ label: "diverged", color: "#555", cross: true });
  const key = keyPanel(entries);
  const width = Math.min(400, Math.floor((MAX_FIGURE_WIDTH - key.size.width - 2 * GAP) / 2));
  const panel = (
    kind: CurveKind,
    training: Key,
    heldOut: Key,
    scale: number,
    title: string,
    yLabel: string,
    log: boolean,
  ) => {
    const solid = series(kind === "training" ? training : heldOut, scale);
    const dashed = kind === "both" ? series(training, scale) : [];
    const ends = runs.filter((r) => r.diverged && r.history.length).map((r) => ({
      name: r.name,
      epoch: r.history.at(-1)!.epoch,
      value: scale * (r.history.at(-1)![training] as number),
    }));
    return plot({
      title,
      width,
      height: 280,
      marginLeft: 50,
      x: {
        label: "epoch",
        domain: [1, longest],
        labelAnchor: "center",
        tickFormat: "d",
        ticks: Math.min(10, longest - 1),
      },
      y: { label: yLabel, grid: true, type: log ? "log" : "linear", tickFormat: log ? "~g" : "d" },
      color: { domain: names, range: names.map((n) => colors.get(n)!) },
      marks: [
        Plot.line(dashed, {
          x: "epoch",
          y: "value",
          stroke: "name",
          z: "name",
          strokeWidth: 1.5,
          strokeDasharray: "5,3",
        }),
        Plot.line(solid, { x: "epoch", y: "value", stroke: "name", z: "name", strokeWidth: 2 }),
        Plot.dot(solid, { x: "epoch", y: "value", fill: "name", r: solid.length > 60 ? 0 : 2 }),
        Plot.dot(ends, {
          x: "epoch",
          y: "value",
          stroke: "name",
          symbol: "times",
          r: 6,
          strokeWidth: 2,
        }),
      ],
    });
  };
  return combine([
    panel(
      lossKind,
      "loss",
      "validationLoss",
      1,
      describe(lossKind, "loss"),
      "loss (log scale)",
      true,
    ),
    panel(
      accuracyKind,
      "trainAccuracy",
      "validationAccuracy",
      100,
      describe(accuracyKind, "accuracy"),
      "accuracy (%)",
      false,
    ),
    key,
  ], { title: options.title, gap: GAP });
}

/**
 * Each run's final figures: the epochs it completed, its last training loss, its last held-out
 * loss and accuracy, its best held-out accuracy and when, its time, and whether it completed.
 *
 * @param runs the runs, as from `trainVariants`
 * @param options `heldOutName` for the held-out columns (default "validation")
 * @returns a table of one row per run
 * @example
 * ```ts
 * import { runsTable } from "./experiment_figures.ts";
 * const history = [{ epoch: 1, loss: 0.5, trainAccuracy: 0.8, learningRate: 0.1, seconds: 1 }];
 * runsTable([{ name: "sgd η 0.1", history, seconds: 1.2 }]).height; // 1
 * ```
 */
export function runsTable(
  runs: RunCurves[],
  options: { heldOutName?: string } = {},
): pl.DataFrame {
  const held = options.heldOutName ?? "validation";
  // Shown as null: a run that diverged in its first epoch has no final figures.
  const missing = null as unknown as number;
  return table(runs.map((run) => {
    const last = run.history.at(-1);
    const scored = run.history.filter((h) => h.validationAccuracy !== undefined);
    const best = scored.reduce<EpochRecord | undefined>(
      (b, h) => (!b || h.validationAccuracy! > b.validationAccuracy! ? h : b),
      undefined,
    );
    const status = run.diverged
      ? `diverged in epoch ${run.history.length + 1}`
      : run.stopped
      ? "stopped"
      : "completed";
    return {
      run: run.name,
      epochs: run.history.length,
      "final training loss": last?.loss ?? missing,
      ...(scored.length
        ? {
          [`final ${held} loss`]: last?.validationLoss ?? missing,
          [`final ${held} accuracy (%)`]: last ? 100 * last.validationAccuracy! : missing,
          [`best ${held} accuracy (%)`]: 100 * best!.validationAccuracy!,
          "best epoch": best!.epoch,
        }
        : {}),
      seconds: run.seconds ?? run.history.reduce((s, h) => s + h.seconds, 0),
      status,
    };
  }));
}

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
 * @returns the figure, at most 900 px wide
 * @example
 * ```ts
 * import { activationDistributions } from "./experiment_figures.ts";
 * import { createNetwork, matrix, profileNetwork } from "../mod.ts";
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
 * The norm of each weight layer's gradient, ‖∂L/∂W‖ on a log scale, one line per network and one
 * panel per stage: a line that falls towards layer 1 (the input side) is a gradient that vanishes
 * on its way back.
 *
 * @param stages the profiles of each network at each stage, by the stage's name
 * @param options `title`
 * @returns the figure, at most 900 px wide
 * @example
 * ```ts
 * import { gradientNormChart } from "./experiment_figures.ts";
 * import { createNetwork, matrix, profileNetwork } from "../mod.ts";
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
 * import { profileTable } from "./experiment_figures.ts";
 * import { createNetwork, matrix, profileNetwork } from "../mod.ts";
 * const batch = { images: matrix(4, 784), labels: new Uint8Array(4) };
 * profileTable({ now: [profileNetwork(createNetwork({ sizes: [784, 8, 8, 10] }), batch)] }).height; // 1
 * ```
 */
export function profileTable(stages: Record<string, NetworkProfile[]>): pl.DataFrame {
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
 * @returns the figure, at most 900 px wide
 * @example
 * ```ts
 * import { learningRateSweepChart } from "./experiment_figures.ts";
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

/**
 * Several evaluations side by side, one row per network: its training and test accuracy, the gap
 * between them (how much it overfits), and its training and test loss.
 *
 * @param evaluations from `evaluateNetwork`, by the network's name
 * @returns a table of one row per network
 * @example
 * ```ts
 * import { evaluationsTable } from "./experiment_figures.ts";
 * const plain = { train: { accuracy: 0.999, loss: 0.01 }, test: { accuracy: 0.956, loss: 0.15 } };
 * const augmented = { train: { accuracy: 0.978, loss: 0.07 }, test: { accuracy: 0.977, loss: 0.08 } };
 * evaluationsTable({ plain, augmented }).height; // 2
 * ```
 */
export function evaluationsTable(
  evaluations: Record<string, { train: Scores; test: Scores }>,
): pl.DataFrame {
  return table(
    Object.entries(evaluations).map(([network, e]) => ({
      network,
      "training accuracy (%)": 100 * e.train.accuracy,
      "test accuracy (%)": 100 * e.test.accuracy,
      "gap (points)": 100 * (e.train.accuracy - e.test.accuracy),
      "training loss": e.train.loss,
      "test loss": e.test.loss,
    })),
  );
}

/** What `evaluationsTable` reads of each set's report. */
type Scores = Pick<SetReport, "accuracy" | "loss">;
