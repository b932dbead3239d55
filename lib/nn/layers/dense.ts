/**
 * A fully connected (dense) layer: every output unit sees every input unit. It is the MLP's layer,
 * written here as a layer of its own; an image input is read as its flat vector of C·H·W values.
 *
 *     y = x·W + b                         (x: N × in, W: in × out, b: out, y: N × out)
 *
 * Backward, given dL/dy (N × out):
 *
 *     dL/dW = xᵀ · dL/dy      dL/db = column sums of dL/dy      dL/dx = dL/dy · Wᵀ
 *
 * @module
 */

import { addBiasRow, columnSums, matmul, matmulTransA, matmulTransB } from "../kernels.ts";
import type { Matrix } from "../matrix.ts";
import { type Layer, resize, sizeOf } from "./layer.ts";
import type { Parameter, Shape } from "../network.ts";

/** A dense layer over weights and biases it shares with its network. */
export class Dense implements Layer {
  readonly outShape: Shape;
  readonly parameters: Parameter[];
  readonly #W: Matrix;
  #x?: Matrix;
  #y?: Matrix;
  #dx?: Matrix;

  /**
   * @param units out, the number of outputs
   * @param weights in × out, row-major
   * @param biases out
   * @param name the parameters' names, e.g. "3" for W3 and b3
   */
  constructor(
    readonly inShape: Shape,
    units: number,
    readonly weights: Float32Array,
    readonly biases: Float32Array,
    name: string,
  ) {
    this.outShape = { channels: units, height: 1, width: 1 };
    this.#W = { rows: sizeOf(inShape), cols: units, data: weights };
    this.parameters = [
      { name: `W${name}`, value: weights, gradient: new Float32Array(weights.length), decay: true },
      { name: `b${name}`, value: biases, gradient: new Float32Array(biases.length), decay: false },
    ];
  }

  forward(x: Matrix): Matrix {
    const flat = { rows: x.rows, cols: this.#W.rows, data: x.data };
    this.#x = flat;
    const y = this.#y = resize(this.#y, x.rows, this.#W.cols);
    return addBiasRow(matmul(flat, this.#W, y), this.biases, y);
  }

  backward(dy: Matrix): Matrix {
    const x = this.#x;
    if (!x) throw new Error("Cannot run backward: no batch has gone forward yet");
    const [dW, db] = this.parameters.map((p) => p.gradient);
    matmulTransA(x, dy, { rows: this.#W.rows, cols: this.#W.cols, data: dW });
    columnSums(dy, db);
    const dx = this.#dx = resize(this.#dx, dy.rows, this.#W.rows);
    return matmulTransB(dy, this.#W, dx);
  }
}
