/**
 * Max pooling over s × s windows with stride s: each output is the largest of its window, so a
 * feature found anywhere in the window counts, and the image shrinks s times each way (rows and
 * columns that do not fill a window are dropped).
 *
 *     y[n,c,i,j] = max over 0 ≤ u, v < s of x[n,c, s·i+u, s·j+v]
 *
 * Backward: the whole gradient of an output goes to the input that was the maximum (the first one,
 * on a tie); every other input of the window gets 0.
 *
 *     dL/dx[n,c, s·i+u, s·j+v] = dy[n,c,i,j] where (u, v) was the argmax, else 0
 *
 * Shapes: x is N × (C·H·W), y is N × (C·⌊H/s⌋·⌊W/s⌋). No parameters.
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import { type Layer, resize, sizeOf } from "./layer.ts";
import type { Shape } from "../network.ts";

/** A max-pooling layer. */
export class MaxPool implements Layer {
  readonly outShape: Shape;
  readonly parameters = [];
  /** For each output, the index in x of its window's maximum. */
  #argmax = new Int32Array(0);
  #y?: Matrix;
  #dx?: Matrix;

  constructor(readonly inShape: Shape, readonly size: number) {
    this.outShape = {
      channels: inShape.channels,
      height: Math.floor(inShape.height / size),
      width: Math.floor(inShape.width / size),
    };
    if (this.outShape.height < 1 || this.outShape.width < 1) {
      throw new RangeError(
        `Cannot build maxpool(${size}) on ${inShape.height}×${inShape.width} images: the window is larger than the image`,
      );
    }
  }

  forward(x: Matrix): Matrix {
    const { channels: C, height: H, width: W } = this.inShape;
    const { height: Ho, width: Wo } = this.outShape;
    const s = this.size;
    const y = this.#y = resize(this.#y, x.rows, sizeOf(this.outShape));
    if (this.#argmax.length < y.data.length) this.#argmax = new Int32Array(y.data.length);
    let out = 0;
    for (let plane = 0; plane < x.rows * C; plane++) {
      const base = plane * H * W;
      for (let i = 0; i < Ho; i++) {
        for (let j = 0; j < Wo; j++) {
          let best = base + s * i * W + s * j;
          for (let u = 0; u < s; u++) {
            for (let v = 0; v < s; v++) {
              const at = base + (s * i + u) * W + s * j + v;
              if (x.data[at] > x.data[best]) best = at;
            }
          }
          this.#argmax[out] = best;
          y.data[out++] = x.data[best];
        }
      }
    }
    return y;
  }

  backward(dy: Matrix): Matrix {
    const dx = this.#dx = resize(this.#dx, dy.rows, sizeOf(this.inShape));
    dx.data.fill(0);
    for (let out = 0; out < dy.data.length; out++) dx.data[this.#argmax[out]] += dy.data[out];
    return dx;
  }
}
