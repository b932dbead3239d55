/**
 * The matrix kernels of the forward and backward passes, on row-major Float32 matrices. Each
 * writes into a caller-supplied `out` and returns it, so a training step allocates nothing; each
 * loop order streams memory row by row, and inner loops hold no checks and no closures.
 *
 * These are the readable reference kernels: plain TypeScript that the notebooks teach from.
 *
 * @module
 */

import { type Matrix, shapeOf } from "./matrix.ts";

function expectShape(what: string, m: Matrix, rows: number, cols: number) {
  if (m.rows !== rows || m.cols !== cols) {
    throw new RangeError(`Cannot ${what}: expected out to be ${rows}×${cols}, found ${shapeOf(m)}`);
  }
}

/**
 * out = A·B, for a (m×k) and b (k×n); out is m×n.
 *
 * The i-k-j order adds a[i,k] times row k of B to row i of out: both rows are read in order, and a
 * zero a[i,k] (most MNIST pixels) skips its whole row of work.
 *
 * @returns `out`
 * @example
 * ```ts
 * import { fromRows, matmul, matrix } from "../mod.ts";
 * matmul(fromRows([[1, 2]]), fromRows([[3], [4]]), matrix(1, 1)); // [[11]]
 * ```
 */
export function matmul(a: Matrix, b: Matrix, out: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new RangeError(`Cannot multiply ${shapeOf(a)} by ${shapeOf(b)}: inner dimensions differ`);
  }
  expectShape(`multiply ${shapeOf(a)} by ${shapeOf(b)}`, out, a.rows, b.cols);
  const m = a.rows, k = a.cols, n = b.cols;
  const A = a.data, B = b.data, C = out.data;
  C.fill(0);
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let p = 0; p < k; p++) {
      const scale = A[i * k + p];
      if (scale === 0) continue;
      const bRow = p * n;
      for (let j = 0; j < n; j++) C[cRow + j] += scale * B[bRow + j];
    }
  }
  return out;
}

/**
 * out = Aᵀ·B, for a (k×m) and b (k×n); out is m×n. The weight gradient: activationsᵀ · delta.
 *
 * Row p of A and row p of B are read once each: out row i gains a[p,i] times row p of B.
 *
 * @returns `out`
 */
export function matmulTransA(a: Matrix, b: Matrix, out: Matrix): Matrix {
  if (a.rows !== b.rows) {
    throw new RangeError(`Cannot multiply ${shapeOf(a)}ᵀ by ${shapeOf(b)}: row counts differ`);
  }
  expectShape(`multiply ${shapeOf(a)}ᵀ by ${shapeOf(b)}`, out, a.cols, b.cols);
  const k = a.rows, m = a.cols, n = b.cols;
  const A = a.data, B = b.data, C = out.data;
  C.fill(0);
  for (let p = 0; p < k; p++) {
    const aRow = p * m, bRow = p * n;
    for (let i = 0; i < m; i++) {
      const scale = A[aRow + i];
      if (scale === 0) continue;
      const cRow = i * n;
      for (let j = 0; j < n; j++) C[cRow + j] += scale * B[bRow + j];
    }
  }
  return out;
}

/**
 * out = A·Bᵀ, for a (m×k) and b (n×k); out is m×n. Back-propagating delta through the weights:
 * delta · Wᵀ. Each entry is the dot product of two contiguous rows.
 *
 * @returns `out`
 */
export function matmulTransB(a: Matrix, b: Matrix, out: Matrix): Matrix {
  if (a.cols !== b.cols) {
    throw new RangeError(`Cannot multiply ${shapeOf(a)} by ${shapeOf(b)}ᵀ: column counts differ`);
  }
  expectShape(`multiply ${shapeOf(a)} by ${shapeOf(b)}ᵀ`, out, a.rows, b.rows);
  const m = a.rows, k = a.cols, n = b.rows;
  const A = a.data, B = b.data, C = out.data;
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let sum = 0;
      for (let p = 0; p < k; p++) sum += A[aRow + p] * B[bRow + p];
      C[i * n + j] = sum;
    }
  }
  return out;
}

/**
 * out = m + bias on every row (bias has m.cols entries); out may be m itself.
 *
 * @returns `out`
 */
export function addBiasRow(m: Matrix, bias: Float32Array, out: Matrix): Matrix {
  if (bias.length !== m.cols) {
    throw new RangeError(
      `Cannot add a bias of ${bias.length} to rows of ${m.cols}: lengths differ`,
    );
  }
  expectShape(`add a bias to ${shapeOf(m)}`, out, m.rows, m.cols);
  const n = m.cols, M = m.data, C = out.data;
  for (let i = 0; i < m.rows; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) C[row + j] = M[row + j] + bias[j];
  }
  return out;
}

/**
 * out[j] = Σᵢ m[i, j]: the bias gradient, the column sums of delta.
 *
 * @returns `out`
 */
export function columnSums(m: Matrix, out: Float32Array): Float32Array {
  if (out.length !== m.cols) {
    throw new RangeError(`Cannot sum the columns of ${shapeOf(m)} into ${out.length} entries`);
  }
  const n = m.cols, M = m.data;
  out.fill(0);
  for (let i = 0; i < m.rows; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] += M[row + j];
  }
  return out;
}
