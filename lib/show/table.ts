/**
 * The table primitive that every step's tables are built on. {@linkcode table} gives a nodejs-polars DataFrame (for a reader who
 * wants to filter or sort further) that shows itself through a {@linkcode Table}: every row as a
 * compact HTML table, and as aligned text where HTML is not shown.
 *
 * @module
 */

import { escapeHtml } from "./html.ts";
import pl from "nodejs-polars";

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
