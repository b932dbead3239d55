/**
 * Inverted dropout as a layer: while training, each unit is kept with probability 1 − r and scaled
 * by 1/(1 − r), or dropped to 0; at test time it passes everything unchanged. The masks come from
 * the hash of lib/nn/dropout.ts (seed, step, layer, unit), so an engine that reproduces the hash
 * drops exactly the same units.
 *
 *     y = x ⊙ m        dL/dx = dL/dy ⊙ m        (m = 0 or 1/(1 − r), new every step)
 *
 * @module
 */

import { dropoutMask } from "../dropout.ts";
import type { Matrix } from "../matrix.ts";
import { type Layer, resize, type StepContext } from "./layer.ts";
import type { Shape } from "../network.ts";

/** A dropout layer. */
export class DropoutLayer implements Layer {
  readonly outShape: Shape;
  readonly parameters = [];
  #mask = new Float32Array(0);
  #masked = false;
  #y?: Matrix;
  #dx?: Matrix;

  /** @param index the layer's position in its network, which keeps its masks apart from others' */
  constructor(readonly inShape: Shape, readonly rate: number, readonly index: number) {
    this.outShape = inShape;
  }

  forward(x: Matrix, training?: StepContext): Matrix {
    this.#masked = training !== undefined && this.rate > 0;
    if (!this.#masked) return x;
    const n = x.rows * x.cols;
    if (this.#mask.length < n) this.#mask = new Float32Array(n);
    const mask = dropoutMask(this.#mask.subarray(0, n), this.rate, {
      rates: [],
      seed: training!.seed,
      step: training!.step,
    }, this.index);
    const y = this.#y = resize(this.#y, x.rows, x.cols);
    for (let i = 0; i < n; i++) y.data[i] = x.data[i] * mask[i];
    return y;
  }

  backward(dy: Matrix): Matrix {
    if (!this.#masked) return dy;
    const dx = this.#dx = resize(this.#dx, dy.rows, dy.cols);
    for (let i = 0; i < dx.data.length; i++) dx.data[i] = dy.data[i] * this.#mask[i];
    return dx;
  }
}
