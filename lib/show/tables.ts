/**
 * Tables for the notebooks, as nodejs-polars DataFrames: a DataFrame that ends a cell renders as
 * an HTML table, and can be filtered or sorted further by a curious reader.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { Evaluation, SetReport } from "../eval/evaluate.ts";
import { type RunSettings, SETTINGS } from "../run/settings.ts";
import type { FileRecord } from "../data/datasets.ts";
import type { LayerCheck } from "../nn/gradient_check.ts";
import type { ClassScores } from "../eval/metrics.ts";
import type { EpochRecord } from "../train/records.ts";
import type { Matrix } from "../nn/matrix.ts";
import { initDistribution } from "../nn/init.ts";
import type { Network } from "../nn/mlp.ts";

/**
 * A DataFrame from rows of plain values (one object per row, the same keys in each). Fractional
 * numbers are rounded to 5 significant digits, so tables show measurements, not float noise.
 */
export function table(rows: Record<string, string | number | boolean>[]): pl.DataFrame {
  const round = (v: string | number | boolean) =>
    typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v)
      ? Number(v.toPrecision(5))
      : v;
  return pl.readRecords(
    rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, round(v)]))),
  );
}

/** The data set's files: name, dimensions, bytes, SHA-256 and where each came from. */
export function filesTable(files: FileRecord[]): pl.DataFrame {
  return table(files.map((f) => ({
    file: f.file,
    dimensions: `(${f.dims.join(", ")})`,
    bytes: f.bytes,
    sha256: f.sha256,
    source: f.source,
  })));
}

/** The first rows of a one-hot matrix beside their labels: one column per class. */
export function oneHotTable(labels: ArrayLike<number>, encoded: Matrix, rows = 5): pl.DataFrame {
  return table(Array.from({ length: Math.min(rows, encoded.rows) }, (_, r) => {
    const row: Record<string, number> = { label: labels[r] };
    for (let c = 0; c < encoded.cols; c++) row[`class ${c}`] = encoded.data[r * encoded.cols + c];
    return row;
  }));
}

/** One row per layer: shape, parameter count, and how the weights were drawn. */
export function parameterTable(network: Network): pl.DataFrame {
  return table(network.weights.map((w, l) => {
    const spec = initDistribution(network.init, w.rows, w.cols);
    const range = spec.distribution === "uniform"
      ? `U(${spec.low!.toPrecision(3)}, ${spec.high!.toPrecision(3)})`
      : `N(0, ${spec.std!.toPrecision(3)}²)`;
    return {
      layer: l + 1,
      weights: `${w.rows}×${w.cols}`,
      biases: network.biases[l].length,
      parameters: w.data.length + network.biases[l].length,
      activation: l === network.weights.length - 1 ? "softmax" : network.hidden,
      init: typeof network.init === "string" ? network.init : network.init.kind,
      distribution: range,
    };
  }));
}

/** The gradient check's rows, one per layer and parameter kind. */
export function gradientCheckTable(rows: LayerCheck[], tolerance = 1e-2): pl.DataFrame {
  return table(rows.map((r) => ({
    layer: r.layer + 1,
    parameters: r.parameters,
    checked: r.checked,
    "worst relative error": Number(r.worstRelativeError.toExponential(2)),
    "worst absolute error": Number(r.worstAbsoluteError.toExponential(2)),
    verdict: r.worstRelativeError < tolerance ? "✓ agrees" : "✗ differs",
  })));
}

/** Precision, recall, F1 and support per class, then the macro and support-weighted averages. */
export function classScoresTable(
  scores: ClassScores[],
  classNames: readonly string[],
): pl.DataFrame {
  const total = scores.reduce((n, s) => n + s.support, 0);
  const average = (weight: (s: ClassScores) => number, key: "precision" | "recall" | "f1") =>
    scores.reduce((sum, s) => sum + weight(s) * s[key], 0);
  const macro = (key: "precision" | "recall" | "f1") => average(() => 1 / scores.length, key);
  const weighted = (key: "precision" | "recall" | "f1") => average((s) => s.support / total, key);
  return table([
    ...scores.map((s, c) => ({
      class: classNames[c],
      precision: s.precision,
      recall: s.recall,
      f1: s.f1,
      support: s.support,
    })),
    {
      class: "macro average",
      precision: macro("precision"),
      recall: macro("recall"),
      f1: macro("f1"),
      support: total,
    },
    {
      class: "weighted average",
      precision: weighted("precision"),
      recall: weighted("recall"),
      f1: weighted("f1"),
      support: total,
    },
  ]);
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Every setting of a run: its value, its group and what it means.
 *
 * @returns a table of one row per setting
 */
export function settingsTable(settings: RunSettings): pl.DataFrame {
  return table(
    Object.entries(SETTINGS).map(([key, field]) => ({
      setting: key,
      value: JSON.stringify(settings[key as keyof RunSettings]),
      group: field.group,
      "what it is": field.help,
    })),
  );
}

/**
 * Accuracy and loss of an evaluation's training and test sets.
 *
 * @returns a table of two rows
 */
export function evaluationTable(evaluation: Evaluation): pl.DataFrame {
  return table([["training", evaluation.train], ["test", evaluation.test]].map(([set, r]) => ({
    set: set as string,
    images: (r as SetReport).examples,
    accuracy: percent((r as SetReport).accuracy),
    loss: (r as SetReport).loss,
  })));
}

/** The training history, one row per epoch. */
export function historyTable(history: EpochRecord[]): pl.DataFrame {
  return table(history.map((r) => ({
    epoch: r.epoch,
    loss: r.loss,
    "train accuracy": r.trainAccuracy,
    ...(r.validationLoss !== undefined ? { "held-out loss": r.validationLoss } : {}),
    ...(r.validationAccuracy !== undefined ? { "held-out accuracy": r.validationAccuracy } : {}),
    "learning rate": r.learningRate,
    seconds: r.seconds,
  })));
}
