/**
 * Figures of training and evaluation: the loss and accuracy over epochs, confusion matrices as
 * labelled heatmaps, and one-vs-rest ROC curves with their AUC.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { combine, type Figure, plot } from "../figure.ts";
import type { RocPoint } from "../../eval/metrics.ts";
import { thinCurve } from "../../eval/metrics.ts";
import type { EpochRecord } from "../../train/records.ts";

const TRAIN = "#4269d0", VALIDATION = "#ff725c";

/** Ten distinct, saturated colours for the ten classes' ROC curves (none pale on white). */
const ROC_COLORS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#0e7c86",
  "#7a6a00",
  "#333333",
];

/**
 * The loss and the accuracy over the epochs, for the training rows and the held-out rows, side
 * by side.
 *
 * @param history one record per epoch
 * @param options `title`, and `validationName` for the held-out rows (default "test")
 * @returns the figure
 */
export function historyChart(
  history: EpochRecord[],
  options: { title: string; validationName?: string; epochs?: number },
): Figure {
  const held = options.validationName ?? "test";
  const series = (
    key: "loss" | "validationLoss" | "trainAccuracy" | "validationAccuracy",
    name: string,
  ) =>
    history.filter((r) => r[key] !== undefined).map((r) => ({
      epoch: r.epoch,
      value: r[key] as number,
      name,
    }));
  const losses = [...series("loss", "training"), ...series("validationLoss", held)];
  const accuracies = [...series("trainAccuracy", "training"), ...series("validationAccuracy", held)]
    .map((d) => ({ ...d, value: 100 * d.value }));
  const domain = [1, Math.max(2, options.epochs ?? history.length)];
  const last = history.at(-1)?.epoch;
  // Early in a live run the newest point is near the left edge: its labels then read rightwards.
  const labelsLeft = last !== undefined && last > (domain[0] + domain[1]) / 2;
  const panel = (title: string, data: typeof losses, yLabel: string, log: boolean) => {
    const ends = data.filter((d) => d.epoch === last);
    // The series ending higher is labelled above its end point, the other below it.
    const above = (d: (typeof data)[number]) => ends.every((e) => e === d || d.value >= e.value);
    return plot({
      title,
      width: 420,
      height: 260,
      marginLeft: 50,
      // Room for the last tick's label, and for end labels that read rightwards.
      marginRight: 30,
      x: {
        label: "epoch",
        domain,
        labelAnchor: "center",
        tickFormat: "d",
        ticks: Math.min(10, domain[1] - 1),
        // Keeps the first epochs off the y axis and the last point off the right edge.
        insetLeft: 10,
        insetRight: 6,
      },
      y: {
        label: yLabel,
        grid: true,
        type: log ? "log" : "linear",
        // "~g" keeps one digit for ticks 10 apart (9e+1); a linear axis prints plain numbers.
        tickFormat: log ? "~g" : (d: number) => String(Number(d.toFixed(2))),
        // Room above and below the curves for the end labels.
        insetTop: 18,
        insetBottom: 18,
      },
      color: { domain: ["training", held], range: [TRAIN, VALIDATION] },
      marks: [
        Plot.line(data, { x: "epoch", y: "value", stroke: "name", z: "name", strokeWidth: 2 }),
        Plot.dot(ends, { x: "epoch", y: "value", fill: "name" }),
        ...[true, false].map((up) =>
          Plot.text(ends.filter((d) => above(d) === up), {
            x: "epoch",
            y: "value",
            text: (d) => `${d.name} ${log ? d.value.toFixed(3) : d.value.toFixed(2) + "%"}`,
            fill: "name",
            textAnchor: labelsLeft ? "end" : "start",
            dx: labelsLeft ? 0 : 6,
            dy: up ? -10 : 12,
            stroke: "white",
            strokeWidth: 3,
            paintOrder: "stroke",
          })
        ),
      ],
    });
  };
  return combine([
    panel("Loss (cross-entropy)", losses, "loss (log scale)", true),
    panel("Accuracy", accuracies, "accuracy (%)", false),
  ], { title: options.title });
}

/**
 * A confusion matrix as a heatmap with a count in every cell: rows are true classes, columns
 * predicted ones, so the diagonal holds the correct predictions.
 *
 * @param options `width` (470 px, or 560 for long class names; the height follows) makes it
 *   narrower, so that two sit side by side in a notebook's output
 * @returns the figure
 */
export function confusionHeatmap(
  confusion: number[][],
  options: { classNames: readonly string[]; title: string; subtitle?: string; width?: number },
): Figure {
  const names = options.classNames;
  const cells = confusion.flatMap((row, t) =>
    row.map((count, p) => ({ actual: names[t], predicted: names[p], count, diagonal: t === p }))
  );
  const wide = names.some((n) => n.length > 2);
  const max = Math.max(...cells.filter((c) => !c.diagonal).map((c) => c.count), 1);
  const natural = wide ? 560 : 470;
  const width = Math.min(options.width ?? natural, natural);
  return plot({
    title: options.title,
    subtitle: options.subtitle,
    width,
    // Narrower by as much as it is shorter, so the cells stay square.
    height: (wide ? 520 : 450) - (natural - width),
    marginLeft: wide ? 90 : 50,
    marginBottom: wide ? 80 : 45,
    x: {
      domain: [...names],
      label: "predicted class",
      tickRotate: wide ? -35 : 0,
      labelAnchor: "center",
    },
    y: { domain: [...names], label: "true class", labelAnchor: "center" },
    marks: [
      // Mistakes are coloured on their own scale; the diagonal in green, so errors stand out.
      Plot.cell(cells.filter((c) => !c.diagonal), {
        x: "predicted",
        y: "actual",
        fill: (d) => Math.sqrt(d.count / max),
        inset: 0.5,
      }),
      Plot.cell(cells.filter((c) => c.diagonal), {
        x: "predicted",
        y: "actual",
        fill: "#d6ecd2",
        inset: 0.5,
      }),
      Plot.text(cells, {
        x: "predicted",
        y: "actual",
        text: (d) => (d.count ? String(d.count) : ""),
        fontSize: 9,
        fill: (d) => (!d.diagonal && Math.sqrt(d.count / max) > 0.6 ? "white" : "#222"),
      }),
    ],
    color: { type: "linear", scheme: "oranges", domain: [0, 1] },
  });
}

/** One class's ROC curve. */
export interface RocSeries {
  name: string;
  auc: number;
  points: RocPoint[];
}

/**
 * One-vs-rest ROC curves, the whole range beside a zoom into the top-left corner where good
 * classifiers live, with each class's AUC in the legend.
 * @returns the figure
 */
export function rocChart(curves: RocSeries[], options: { title: string }): Figure {
  const data = curves.flatMap((c) =>
    thinCurve(c.points).map((p) => ({
      name: `${c.name}: AUC ${c.auc.toFixed(4)}`,
      x: p.falsePositiveRate,
      y: p.truePositiveRate,
    }))
  );
  const names = curves.map((c) => `${c.name}: AUC ${c.auc.toFixed(4)}`);
  const panel = (
    title: string,
    xDomain: [number, number],
    yDomain: [number, number],
    legend: boolean,
  ) =>
    plot({
      title,
      width: 380,
      height: 340,
      x: { domain: xDomain, label: "false positive rate", labelAnchor: "center", grid: true },
      y: { domain: yDomain, label: "true positive rate", grid: true },
      // Saturated, distinct colours (tableau10's yellow, pink and grey were too pale to read as
      // legend text); the same domain in both panels, so a class has one colour throughout.
      color: { domain: names, range: ROC_COLORS },
      marks: [
        Plot.line([[0, 0], [1, 1]], { stroke: "#bbb", strokeDasharray: "4,4", clip: true }),
        Plot.line(data, {
          x: "x",
          y: "y",
          stroke: "name",
          z: "name",
          strokeWidth: 1.5,
          clip: true,
        }),
        ...(legend
          ? [
            Plot.text(names, {
              x: 0.97,
              y: (_d: string, i: number) => 0.04 + 0.065 * (names.length - 1 - i),
              text: (d: string) => d,
              fill: (d: string) => d,
              textAnchor: "end",
              fontSize: 10,
              fontWeight: 600,
              stroke: "white",
              strokeWidth: 3,
              paintOrder: "stroke",
            }),
          ]
          : []),
      ],
    });
  return combine([
    panel("Whole range", [0, 1], [0, 1], true),
    panel("Zoom: the top-left corner", [0, 0.05], [0.8, 1], false),
  ], { title: options.title });
}
