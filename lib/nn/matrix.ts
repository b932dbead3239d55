/**
 * The one data structure of the library: a flat, row-major `Float32Array` with its shape. One
 * example per row; `data[r * cols + c]` is row r, column c.
 *
 * @module
 */

/** A row-major matrix of Float32 values. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * Makes a matrix, zero-filled or around existing data.
 *
 * @param rows number of rows
 * @param cols number of columns
 * @param data optional row-major values; its length must be rows × cols
 * @returns the matrix
 * @example
 * ```ts
 * const m = matrix(2, 3); // 2×3 zeros
 * ```
 */
export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(
      `Cannot make a matrix: expected whole, non-negative sizes, found ${rows}×${cols}`,
    );
  }
  if (data && data.length !== rows * cols) {
    throw new RangeError(
      `Cannot make a ${rows}×${cols} matrix: expected ${rows * cols} values, found ${data.length}`,
    );
  }
  return { rows, cols, data: data ?? new Float32Array(rows * cols) };
}

/**
 * Makes a matrix from nested arrays, one inner array per row (for examples and tests).
 *
 * @returns a rows.length × rows[0].length matrix
 */
export function fromRows(rows: ArrayLike<number>[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const out = matrix(rows.length, cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      throw new RangeError(
        `Cannot make a matrix from rows: row 0 has ${cols} values, row ${r} has ${row.length}`,
      );
    }
    out.data.set(row, r * cols);
  });
  return out;
}

/**
 * Row `r` of `m` as a view (no copy).
 *
 * @returns a view of the row's values
 */
export function row(m: Matrix, r: number): Float32Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols);
}

/**
 * The rows of `m` at `indices`, copied into a new matrix (or into `out`).
 *
 * @returns indices.length × m.cols: the chosen rows, copied
 */
export function takeRows(m: Matrix, indices: ArrayLike<number>, out?: Matrix): Matrix {
  const result = out ?? matrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) {
    result.data.set(row(m, indices[i]), i * m.cols);
  }
  return result;
}

/**
 * The shape of `m` as text, "rows×cols", for error messages.
 *
 * @returns "rows×cols"
 */
export function shapeOf(m: Matrix): string {
  return `${m.rows}×${m.cols}`;
}

/**
 * The Euclidean (Frobenius) norm of some values: √Σ v².
 *
 * @returns √Σ v²
 */
export function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}
