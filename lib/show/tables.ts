/**
 * Tables for the notebooks. {@linkcode table} gives a nodejs-polars DataFrame (for a reader who
 * wants to filter or sort further) that shows itself through a {@linkcode Table}: every row as a
 * compact HTML table, and as aligned text where HTML is not shown.
 *
 * @module
 */

import { escapeHtml } from "./html.ts";
import pl from "nodejs-polars";
import type { Evaluation, SetReport } from "../eval/evaluate.ts";
import { type RunSettings, SETTINGS } from "../run/settings.ts";
import type { FileRecord } from "../data/datasets.ts";
import type { LayerCheck } from "../nn/gradient_check.ts";
import type { ClassScores } from "../eval/metrics.ts";
import type { EpochRecord } from "../train/records.ts";
import type { Matrix } from "../nn/matrix.ts";
import { initDistribution } from "../nn/init.ts";
import type { Network } from "../nn/network.ts";

/** One value of a table. */
export type TableValue = string | number | boolean;

/** One row of a table: column name to value (the same keys, in the same order, in each row). */
export type TableRow = Record<string, TableValue>;

/** How a column's numbers are written, e.g. as percentages; other columns are written as they are. */
export type ColumnFormats = Record<string, (value: number) => string>;

const DISPLAY = Symbol.for("Jupyter.display");

/**
 * Rows of plain values that a notebook shows as a table. Polars' own display of a DataFrame leads
 * with a data-resource bundle that some front ends (VS Code) leave blank, and stops at 50 rows;
 * a Table shows every row, as HTML first and aligned text second.
 */
export class Table {
  /** The column names, in order. */
  readonly columns: string[];

  /**
   * @param rows the rows, values as they are kept (already rounded)
   * @param formats how some columns' numbers are written when shown
   */
  constructor(readonly rows: readonly TableRow[], readonly formats: ColumnFormats = {}) {
    this.columns = Object.keys(rows[0] ?? {});
  }

  /** The number of rows. */
  get height(): number {
    return this.rows.length;
  }

  /** The rows, as plain objects. */
  toRecords(): TableRow[] {
    return this.rows.map((row) => ({ ...row }));
  }

  /** The number of rows and columns, as polars gives it. */
  get shape(): { height: number; width: number } {
    return { height: this.height, width: this.columns.length };
  }

  /** The rows as a nodejs-polars DataFrame that a notebook shows as this table. */
  get frame(): pl.DataFrame {
    const frame = pl.readRecords(this.toRecords());
    // Replaces polars' display on this frame only (frames derived from it show as polars does).
    Object.defineProperty(frame, DISPLAY, { value: () => this[DISPLAY](), configurable: true });
    return frame;
  }

  /** A value as the table shows it: through its column's format when it has one. */
  cellText(column: string, value: TableValue | undefined): string {
    if (value === undefined) return "";
    // A figure a run never reached (a diverged run's final loss, say) shows as a dash.
    if (value === null || (typeof value === "number" && Number.isNaN(value))) return "—";
    const format = this.formats[column];
    return typeof value === "number" && format ? format(value) : String(value);
  }

  /** Whether a column holds no text, so that it is right-aligned like numbers. */
  private numeric(column: string): boolean {
    return this.rows.every((row) => typeof row[column] !== "string");
  }

  /** An HTML table of every row: a header row, light borders, numbers right-aligned. */
  toHtml(): string {
    const cell = (tag: "th" | "td", column: string, content: string) =>
      `<${tag}${this.numeric(column) ? "" : ' class="t"'}>${escapeHtml(content)}</${tag}>`;
    const head = `<tr>${this.columns.map((c) => cell("th", c, c)).join("")}</tr>`;
    const body = this.rows.map((row) =>
      `<tr>${this.columns.map((c) => cell("td", c, this.cellText(c, row[c]))).join("")}</tr>`
    ).join("\n");
    // A long table scrolls inside its own box (header kept in view) instead of filling the page.
    const box = this.rows.length > 15 ? "max-height:420px;overflow:auto;" : "";
    return `<div class="mnist-table" style="max-width:840px;${box}"><style>${TABLE_CSS}</style>` +
      `<table><thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>`;
  }

  /** The table as aligned plain text: text columns left-aligned, numbers right-aligned. */
  toString(): string {
    const cells = this.rows.map((row) => this.columns.map((c) => this.cellText(c, row[c])));
    const widths = this.columns.map((c, i) =>
      Math.max(c.length, ...cells.map((line) => line[i].length))
    );
    const right = this.columns.map((c) => this.numeric(c));
    const line = (values: string[]) =>
      values.map((v, i) => right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])).join("  ")
        .trimEnd();
    return [line(this.columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)]
      .join("\n");
  }

  /** What Deno's Jupyter kernel shows when a cell ends on this table: HTML first, then text. */
  [DISPLAY](): Record<string, string> {
    return { "text/html": this.toHtml(), "text/plain": this.toString() };
  }
}

/** Styles of {@linkcode Table.toHtml}, scoped to its box (a front end that drops them still shows a table). */
// Colours come from JupyterLab's theme variables (so the dark theme gets dark rows under its light
// text), with the light theme's values for front ends that have none.
const TABLE_CSS = ".mnist-table table{border-collapse:collapse;font-size:12px;margin:0;" +
  "color:var(--jp-content-font-color1,#111)}" +
  ".mnist-table th,.mnist-table td{border:1px solid var(--jp-border-color2,#ddd);" +
  "padding:3px 8px;text-align:right;white-space:nowrap;vertical-align:top}" +
  ".mnist-table th{background:var(--jp-layout-color2,#f4f4f4);font-weight:600;position:sticky;" +
  "top:0}" +
  ".mnist-table .t{text-align:left;white-space:normal;overflow-wrap:break-word}" +
  ".mnist-table tbody tr:nth-child(odd){background:var(--jp-layout-color0,#fff)}" +
  ".mnist-table tbody tr:nth-child(even){background:var(--jp-layout-color1,#fafafa)}";

/** A number as a percentage with two decimals: 0.98215 → "98.22%". */
export const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;

/**
 * A table from rows of plain values (one object per row, the same keys in each), as a DataFrame
 * that a notebook shows through {@linkcode Table} (every row, HTML first). Fractional numbers are
 * rounded to 5 significant digits, so tables show measurements, not float noise; columns given a
 * format in `formats` keep their numbers as they are and are shown through it instead.
 *
 * @returns the table, shown as HTML with every row
 * @example
 * ```ts
 * table([{ epoch: 1, accuracy: 0.98215 }], { accuracy: percent }); // shows "98.22%"
 * ```
 */
export function table(rows: TableRow[], formats: ColumnFormats = {}): Table {
  const round = (v: TableValue) =>
    typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v)
      ? Number(v.toPrecision(5))
      : v;
  return new Table(
    rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k in formats ? v : round(v)]))
    ),
    formats,
  );
}

/**
 * The data set's files: name, dimensions, bytes, SHA-256 and where each came from.
 *
 * @returns the table
 */
export function filesTable(files: FileRecord[]): Table {
  return table(files.map((f) => ({
    file: f.file,
    dimensions: `(${f.dims.join(", ")})`,
    bytes: f.bytes,
    sha256: f.sha256,
    source: f.source,
  })));
}

/**
 * The first rows of a one-hot matrix beside their labels: one column per class.
 *
 * @returns the table
 */
export function oneHotTable(labels: ArrayLike<number>, encoded: Matrix, rows = 5): Table {
  return table(Array.from({ length: Math.min(rows, encoded.rows) }, (_, r) => {
    const row: Record<string, number> = { label: labels[r] };
    for (let c = 0; c < encoded.cols; c++) row[`class ${c}`] = encoded.data[r * encoded.cols + c];
    return row;
  }));
}

/**
 * One row per layer: shape, parameter count, and how the weights were drawn.
 *
 * @returns the table
 */
export function parameterTable(network: Network): Table {
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

/**
 * The gradient check's rows, one per layer and parameter kind.
 *
 * @returns the table
 */
export function gradientCheckTable(rows: LayerCheck[], tolerance = 1e-2): Table {
  return table(rows.map((r) => ({
    layer: r.layer + 1,
    parameters: r.parameters,
    checked: r.checked,
    "worst relative error": Number(r.worstRelativeError.toExponential(2)),
    "worst absolute error": Number(r.worstAbsoluteError.toExponential(2)),
    verdict: r.worstRelativeError < tolerance ? "✓ agrees" : "✗ differs",
  })));
}

/**
 * Precision, recall, F1 and support per class, then the macro and support-weighted averages.
 *
 * @returns the table
 */
export function classScoresTable(
  scores: ClassScores[],
  classNames: readonly string[],
): Table {
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
  ], { precision: percent, recall: percent, f1: percent });
}

/**
 * Every setting of a run: its value, its group and what it means.
 *
 * @returns a table of one row per setting
 */
export function settingsTable(settings: RunSettings): Table {
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
export function evaluationTable(evaluation: Evaluation): Table {
  return table(
    [["training", evaluation.train], ["test", evaluation.test]].map(([set, r]) => ({
      set: set as string,
      images: (r as SetReport).examples,
      accuracy: (r as SetReport).accuracy,
      loss: (r as SetReport).loss,
    })),
    { accuracy: percent },
  );
}

/**
 * The training history, one row per epoch (every epoch is shown): accuracies as percentages,
 * losses with 4 decimals.
 * @returns the table, one row per epoch
 */
export function historyTable(history: EpochRecord[]): Table {
  const loss = (x: number) => x.toFixed(4);
  return table(
    history.map((r) => ({
      epoch: r.epoch,
      loss: r.loss,
      "train accuracy": r.trainAccuracy,
      ...(r.validationLoss !== undefined ? { "held-out loss": r.validationLoss } : {}),
      ...(r.validationAccuracy !== undefined ? { "held-out accuracy": r.validationAccuracy } : {}),
      "learning rate": r.learningRate,
      seconds: r.seconds,
    })),
    {
      loss,
      "held-out loss": loss,
      "train accuracy": percent,
      "held-out accuracy": percent,
      "learning rate": (x: number) => String(Number(x.toPrecision(3))),
      seconds: (x: number) => x.toFixed(2),
    },
  );
}
