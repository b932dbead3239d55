/**
 * The figures and tables of notebook 13, how far can it go: what enters each activation with and
 * without batch normalisation, the learning rates each network tolerates, a committee's votes on
 * the images its members disagree on, and the project's results beside the published marks.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Examples } from "../../data/preprocess.ts";
import { imageOf } from "../../data/preprocess.ts";
import type { CommitteeVotes } from "../../eval/committee.ts";
import type { ActivationInput } from "../../nn/layer_statistics.ts";
import type { SweepPoint } from "../../train/sweep.ts";
import { imageGrid } from "../charts/digits.ts";
import { combine, type Figure, plot } from "../figure.ts";
import { GAP, keyPanel, keyWidth, MAX_FIGURE_WIDTH, RUN_COLORS } from "../figure_key.ts";
import { histogramBins } from "../charts/histograms.ts";
import { learningRateAxis } from "./experiments.ts";
import { percent, type Table, table } from "../table.ts";

/** The mean and standard deviation of some values. */
function spread(values: Float32Array): { mean: number; sd: number } {
  let sum = 0, squares = 0;
  for (const v of values) sum += v;
  const mean = sum / (values.length || 1);
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, sd: Math.sqrt(squares / (values.length || 1)) };
}

/** The range from the 0.5th to the 99.5th percentile of all the values, for a shared x axis. */
function sharedRange(values: Float32Array[]): [number, number] {
  const all = new Float32Array(values.reduce((n, v) => n + v.length, 0));
  values.reduce((at, v) => (all.set(v, at), at + v.length), 0);
  all.sort();
  const at = (q: number) => all[Math.min(all.length - 1, Math.floor(q * all.length))] ?? 0;
  const [low, high] = [at(0.005), at(0.995)];
  return high > low ? [low, high] : [low - 1, low + 1];
}

/**
 * Histograms of the values entering each activation, one column per network and one row per
 * activation, on one x axis for all, each panel labelled with its mean and standard deviation.
 * Batch normalisation keeps every row near the same spread; without it the spread is whatever
 * the weights made it, and it changes as they learn.
 *
 * @param networks each network's {@linkcode ActivationInput}s, by the network's name; every
 *   network has the same number of activations
 * @param options `title`, `bins` (default 40)
 * @returns the figure, at most 840 px wide
 * @example
 * ```ts
 * import { activationInputs, activationInputsChart, createSequential, matrix } from "../../mod.ts";
 * const network = createSequential({ layers: "conv(4,3) batchnorm relu flatten dense(8) relu" });
 * const inputs = activationInputs(network, matrix(2, 784));
 * activationInputsChart({ "with batch normalisation": inputs }, { title: "What enters each ReLU" }).title;
 * ```
 */
export function activationInputsChart(
  networks: Record<string, ActivationInput[]>,
  options: { title: string; bins?: number },
): Figure {
  const names = Object.keys(networks);
  const rows = networks[names[0]]?.length ?? 0;
  if (rows === 0) {
    throw new RangeError(
      "Cannot draw what enters the activations: expected at least one, found none",
    );
  }
  const mismatched = names.find((name) => networks[name].length !== rows);
  if (mismatched) {
    throw new RangeError(
      `Cannot draw what enters the activations: "${
        names[0]
      }" has ${rows} activations, "${mismatched}" ${networks[mismatched].length}`,
    );
  }
  const domain = sharedRange(names.flatMap((name) => networks[name].map((a) => a.values)));
  const width = Math.min(
    400,
    Math.floor((MAX_FIGURE_WIDTH - GAP * (names.length - 1)) / names.length),
  );
  const columns = names.map((name, n) => {
    const inputs = networks[name];
    const panel = (a: ActivationInput) => `${a.activation} ${a.index}`;
    const bins = inputs.flatMap((a) =>
      histogramBins(a.values, options.bins ?? 40, domain).map((b) => ({
        ...b,
        panel: panel(a),
        share: b.count / a.values.length,
      }))
    );
    const labels = inputs.map((a) => {
      const { mean, sd } = spread(a.values);
      return {
        panel: panel(a),
        text: `into ${panel(a)}, after ${a.after}\nmean ${mean.toFixed(2)}, sd ${sd.toFixed(2)}`,
      };
    });
    return plot({
      title: name,
      width,
      height: 40 + 90 * rows,
      marginLeft: 48,
      marginRight: 8,
      x: { domain, label: "value entering the activation", labelAnchor: "center", ticks: 5 },
      y: { label: "share of values", ticks: 2, tickFormat: ".0%", grid: true },
      fy: { domain: labels.map((l) => l.panel), axis: null, padding: 0.25 },
      marks: [
        Plot.rectY(bins, {
          x1: "x0",
          x2: "x1",
          y1: 0,
          y2: "share",
          fy: "panel",
          fill: RUN_COLORS[n % RUN_COLORS.length],
          fillOpacity: 0.85,
        }),
        Plot.ruleX([0], { stroke: "#888", strokeDasharray: "2,3" }),
        Plot.text(labels, {
          fy: "panel",
          text: "text",
          frameAnchor: "top-right",
          textAnchor: "end",
          lineAnchor: "top",
          dx: -4,
          dy: 3,
          fill: "#333",
          fontSize: 10,
          stroke: "white",
          strokeWidth: 3,
        }),
        Plot.frame({ stroke: "#ddd" }),
      ],
    });
  });
  return combine(columns, { title: options.title, gap: GAP });
}

/**
 * The held-out accuracy each network reached against the learning rate it trained at, one line
 * per network, on a log scale of rates; a run that diverged is a cross on the chart's floor. The
 * range of rates a network trains well at is how much it tolerates.
 *
 * @param sweeps each network's learning-rate sweep (with validation rows), by the network's name
 * @param options `title`, `heldOutName` (default "validation")
 * @returns the figure
 * @example
 * ```ts
 * import { learningRateToleranceChart } from "../../mod.ts";
 * const points = [
 *   { learningRate: 0.1, validationAccuracy: 0.9, diverged: false, epochs: 1 },
 *   { learningRate: 1, diverged: true, epochs: 0 },
 * ];
 * learningRateToleranceChart({ plain: points }, { title: "Tolerance" }).title; // "Tolerance"
 * ```
 */
export function learningRateToleranceChart(
  sweeps: Record<string, SweepPoint[]>,
  options: { title: string; heldOutName?: string },
): Figure {
  const names = Object.keys(sweeps);
  const held = options.heldOutName ?? "validation";
  const points = names.flatMap((name) =>
    sweeps[name].map((p) => ({
      name,
      rate: p.learningRate,
      accuracy: p.diverged ? undefined : p.validationAccuracy,
    }))
  );
  const trained = points.filter((p) => p.accuracy !== undefined && Number.isFinite(p.accuracy));
  const crashed = points.filter((p) => p.accuracy === undefined);
  const low = Math.min(0.9, ...trained.map((p) => p.accuracy!));
  const floor = Math.max(0, Math.floor(low * 20) / 20 - 0.05);
  const rates = points.map((p) => p.rate);
  const colors = names.map((_, n) => RUN_COLORS[n % RUN_COLORS.length]);
  const entries = [
    ...names.map((name, n) => ({ label: name, color: colors[n] })),
    ...(crashed.length ? [{ label: "diverged", color: "#d62728", cross: true }] : []),
  ];
  const key = keyPanel(entries, keyWidth(entries, MAX_FIGURE_WIDTH));
  const chart = plot({
    title: "Held-out accuracy against the learning rate",
    width: Math.min(640, MAX_FIGURE_WIDTH),
    height: 340,
    marginLeft: 55,
    marginRight: 20,
    x: learningRateAxis(rates),
    y: {
      label: `${held} accuracy after the last epoch`,
      domain: [floor, 1],
      tickFormat: ".0%",
      grid: true,
    },
    color: { domain: names, range: colors },
    marks: [
      Plot.line(trained, { x: "rate", y: "accuracy", stroke: "name", z: "name", strokeWidth: 2 }),
      Plot.dot(trained, { x: "rate", y: "accuracy", fill: "name", r: 3.5 }),
      Plot.dot(crashed, {
        x: "rate",
        y: () => floor,
        stroke: (d) => colors[names.indexOf(d.name)],
        symbol: "times",
        r: 6,
        strokeWidth: 2.5,
        dy: -8,
      }),
    ],
  });
  return combine([chart, key], { title: options.title, columns: 1, gap: 4 });
}

/**
 * The images a committee's members disagree on, each captioned with every member's vote and the
 * committee's answer: green where the committee is right, red where it is wrong.
 *
 * @param examples the images and their true labels
 * @param votes from `committeeVotes`
 * @param indices the images to show (from `disagreements`)
 * @param options `title`, `classNames`, `columns` (default 8)
 * @returns the figure
 */
export function committeeVotesFigure(
  examples: Examples,
  votes: CommitteeVotes,
  indices: number[],
  options: { title: string; classNames: string[]; columns?: number },
): Figure {
  const name = (c: number) => options.classNames[c] ?? String(c);
  const short = options.classNames.every((n) => n.length <= 2);
  return imageGrid(
    indices.map((i) => {
      const right = votes.committee[i] === examples.labels[i];
      const ballot = votes.members.map((m) => short ? name(m[i]) : String(m[i])).join(" ");
      return {
        pixels: imageOf(examples, i),
        caption: `${ballot} → ${short ? name(votes.committee[i]) : votes.committee[i]}`,
        color: right ? "#2b8a3e" : "#c92a2a",
      };
    }),
    {
      title: options.title,
      subtitle: `under each image: the members' votes → the committee's (green: right, red: wrong)`,
      columns: options.columns ?? 8,
      size: 64,
    },
  );
}

/** A published result to set the project's beside. */
export interface PublishedMark {
  dataset: "MNIST" | "Fashion-MNIST";
  /** What kind of model: "single CNN", "committee", "MLP", "MLP, augmented". */
  kind: string;
  /** The model, in a few words. */
  model: string;
  /** Test accuracy, a share (0.9976 for 99.76%). */
  accuracy: number;
  /** Who published it. */
  source: string;
}

/** The published marks issue 21 names, from the papers and tables cited. */
export const PUBLISHED_MARKS: PublishedMark[] = [
  {
    dataset: "MNIST",
    kind: "MLP",
    model: "3×1024 ReLU, dropout and max-norm",
    accuracy: 0.9894,
    source: "Srivastava et al. 2014",
  },
  {
    dataset: "MNIST",
    kind: "MLP, augmented",
    model: "deep MLP, elastic distortions",
    accuracy: 0.9965,
    source: "Cireşan et al. 2010",
  },
  {
    dataset: "MNIST",
    kind: "committee",
    model: "committee of MLPs, distortions",
    accuracy: 0.9969,
    source: "Cireşan et al. 2011",
  },
  {
    dataset: "MNIST",
    kind: "single CNN",
    model: "CNN with crops, rotations, elastic distortion",
    accuracy: 0.9975,
    source: "ttdoucet/mnist (typical: 99.7–99.8%)",
  },
  {
    dataset: "MNIST",
    kind: "single CNN",
    model: "batch-normalised maxout network-in-network",
    accuracy: 0.9976,
    source: "Chang & Chen 2015",
  },
  {
    dataset: "MNIST",
    kind: "single CNN",
    model: "homogeneous vector capsules",
    accuracy: 0.9983,
    source: "Byerly et al. 2021",
  },
  {
    dataset: "MNIST",
    kind: "committee",
    model: "35 CNNs",
    accuracy: 0.9983,
    source: "ttdoucet/mnist (99.82–99.84%)",
  },
  {
    dataset: "MNIST",
    kind: "committee",
    model: "vote of three simple BN CNNs",
    accuracy: 0.9987,
    source: "An et al. 2020",
  },
  {
    dataset: "MNIST",
    kind: "committee",
    model: "two-level ensemble of BN CNNs without pooling",
    accuracy: 0.9991,
    source: "An et al. 2020",
  },
  {
    dataset: "Fashion-MNIST",
    kind: "single CNN",
    model: "ResNet18, flips, translations, rotations",
    accuracy: 0.949,
    source: "Zalando's benchmark table",
  },
  {
    dataset: "Fashion-MNIST",
    kind: "single CNN",
    model: "WRN-40-4",
    accuracy: 0.967,
    source: "Zalando's benchmark table",
  },
];

/** One of the project's results, for {@linkcode marksTable}. */
export interface OwnMark {
  dataset: "MNIST" | "Fashion-MNIST";
  kind: string;
  model: string;
  accuracy: number;
  /** Where the number comes from: "this notebook", a run folder. */
  source: string;
}

/**
 * The published marks of one data set beside the project's own results, best first, each row
 * saying whose it is.
 *
 * @param own the project's results (this notebook's runs, full runs read from their folders)
 * @param dataset which data set's marks to show
 * @returns the table
 * @example
 * ```ts
 * import { marksTable } from "../../mod.ts";
 * const own = [{ dataset: "MNIST", kind: "committee", model: "3 small CNNs", accuracy: 0.99, source: "this notebook" }] as const;
 * marksTable([...own], "MNIST").rows.length; // 10: nine published marks and this one
 * ```
 */
export function marksTable(own: OwnMark[], dataset: "MNIST" | "Fashion-MNIST"): Table {
  const rows = [
    ...PUBLISHED_MARKS.filter((m) => m.dataset === dataset).map((m) => ({
      ...m,
      whose: "published",
    })),
    ...own.filter((m) => m.dataset === dataset).map((m) => ({ ...m, whose: "this project" })),
  ].sort((a, b) => b.accuracy - a.accuracy);
  return table(
    rows.map((m) => ({
      "test accuracy": m.accuracy,
      kind: m.kind,
      model: m.model,
      whose: m.whose,
      source: m.source,
    })),
    { "test accuracy": percent },
  );
}
