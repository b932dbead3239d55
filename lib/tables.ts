/**
 * Tables for the notebooks, as nodejs-polars DataFrames: a DataFrame that ends a cell renders as
 * an HTML table, and can be filtered or sorted further by a curious reader.
 *
 * @module
 */

import pl from "nodejs-polars";
import type { FileRecord } from "./datasets.ts";
import type { Matrix } from "./matrix.ts";

/** A DataFrame from rows of plain values (one object per row, the same keys in each). */
export function table(rows: Record<string, string | number | boolean>[]): pl.DataFrame {
  return pl.readRecords(rows);
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
