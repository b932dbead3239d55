/**
 * Several runs side by side: their loss and accuracy curves on shared axes, one colour per run,
 * a table of their final figures, and a table that compares evaluations.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { SetReport } from "../../eval/evaluate.ts";
import type { EpochRecord } from "../../train/records.ts";
import { combine, type Figure, plot } from "../figure.ts";
import { type Table, table } from "../table.ts";
import { colorsOf, GAP, type KeyEntry, keyPanel, MAX_FIGURE_WIDTH } from "../figure_key.ts";

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
 * @returns the figure, at most MAX_WIDTH (840 px) wide
 * @example
 * ```ts
 * import { runsChart } from "./runs.ts";
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
 * import { runsTable } from "./runs.ts";
 * const history = [{ epoch: 1, loss: 0.5, trainAccuracy: 0.8, learningRate: 0.1, seconds: 1 }];
 * runsTable([{ name: "sgd η 0.1", history, seconds: 1.2 }]).height; // 1
 * ```
 */
export function runsTable(
  runs: RunCurves[],
  options: { heldOutName?: string } = {},
): Table {
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

/**
 * Several evaluations side by side, one row per network: its training and test accuracy, the gap
 * between them (how much it overfits), and its training and test loss.
 *
 * @param evaluations from `evaluateNetwork`, by the network's name
 * @returns a table of one row per network
 * @example
 * ```ts
 * import { evaluationsTable } from "./runs.ts";
 * const plain = { train: { accuracy: 0.999, loss: 0.01 }, test: { accuracy: 0.956, loss: 0.15 } };
 * const augmented = { train: { accuracy: 0.978, loss: 0.07 }, test: { accuracy: 0.977, loss: 0.08 } };
 * evaluationsTable({ plain, augmented }).height; // 2
 * ```
 */
export function evaluationsTable(
  evaluations: Record<string, { train: Scores; test: Scores }>,
): Table {
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
