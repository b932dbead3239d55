/**
 * 2-D convolution, stride 1, with zero padding: each of F filters (C × k × k weights and a bias)
 * slides over the input, and the sums it makes at every position are one output channel.
 *
 * Forward, for example n, filter f and output position (i, j), with x read as 0 outside the image:
 *
 *     y[n,f,i,j] = b[f] + Σ_c Σ_u Σ_v  w[f,c,u,v] · x[n,c, i+u−p, j+v−p]
 *
 * Backward, given dL/dy: every output position hands its gradient back to the inputs and the
 * weights that made it — the forward loop read the other way.
 *
 *     dL/db[f]       = Σ_n,i,j  dy[n,f,i,j]
 *     dL/dw[f,c,u,v] = Σ_n,i,j  dy[n,f,i,j] · x[n,c, i+u−p, j+v−p]
 *     dL/dx[n,c,h,v'] = Σ_f,u,v dy[n,f, h−u+p, v'−v+p] · w[f,c,u,v]
 *
 * Shapes: x is N × (C·H·W); w is F × (C·k·k); y is N × (F·H'·W') with H' = H + 2p − k + 1 and
 * W' = W + 2p − k + 1 (the same size as the input when p = (k − 1) / 2, "same" padding).
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import { type Layer, resize, sizeOf } from "./layer.ts";
import type { Parameter, Shape } from "../network.ts";

/** A convolution layer over weights and biases it shares with its network. */
export class Conv2d implements Layer {
  readonly outShape: Shape;
  readonly parameters: Parameter[];
  #x?: Matrix;
  #y?: Matrix;
  #dx?: Matrix;

  /**
   * @param inShape C × H × W
   * @param filters F, the output channels
   * @param size k, the filters' height and width
   * @param padding p, zeros added on each side
   * @param weights F × (C·k·k): filter f's weights for channel c at row u, column v are at
   *   f·C·k·k + (c·k + u)·k + v
   * @param biases F
   * @param name the parameters' names, e.g. "1" for W1 and b1
   */
  constructor(
    readonly inShape: Shape,
    filters: number,
    readonly size: number,
    readonly padding: number,
    readonly weights: Float32Array,
    readonly biases: Float32Array,
    name: string,
  ) {
    this.outShape = {
      channels: filters,
      height: inShape.height + 2 * padding - size + 1,
      width: inShape.width + 2 * padding - size + 1,
    };
    if (this.outShape.height < 1 || this.outShape.width < 1) {
      throw new RangeError(
        `Cannot build conv(${filters},${size},${padding}) on ${inShape.height}×${inShape.width} images: the output would be empty`,
      );
    }
    this.parameters = [
      { name: `W${name}`, value: weights, gradient: new Float32Array(weights.length), decay: true },
      { name: `b${name}`, value: biases, gradient: new Float32Array(biases.length), decay: false },
    ];
  }

  forward(x: Matrix): Matrix {
    const { channels: C, height: H, width: W } = this.inShape;
    const { channels: F, height: Ho, width: Wo } = this.outShape;
    const k = this.size, p = this.padding, w = this.weights, b = this.biases;
    const y = this.#y = resize(this.#y, x.rows, sizeOf(this.outShape));
    this.#x = x;
    for (let n = 0; n < x.rows; n++) {
      const image = n * C * H * W;
      for (let f = 0; f < F; f++) {
        for (let i = 0; i < Ho; i++) {
          for (let j = 0; j < Wo; j++) {
            let sum = b[f];
            for (let c = 0; c < C; c++) {
              for (let u = 0; u < k; u++) {
                const row = i + u - p;
                if (row < 0 || row >= H) continue;
                for (let v = 0; v < k; v++) {
                  const col = j + v - p;
                  if (col < 0 || col >= W) continue;
                  sum += w[((f * C + c) * k + u) * k + v] * x.data[image + (c * H + row) * W + col];
                }
              }
            }
            y.data[((n * F + f) * Ho + i) * Wo + j] = sum;
          }
        }
      }
    }
    return y;
  }

  backward(dy: Matrix): Matrix {
    const x = this.#x;
    if (!x) throw new Error("Cannot run backward: no batch has gone forward yet");
    const { channels: C, height: H, width: W } = this.inShape;
    const { channels: F, height: Ho, width: Wo } = this.outShape;
    const k = this.size, p = this.padding, w = this.weights;
    const [dw, db] = [this.parameters[0].gradient, this.parameters[1].gradient];
    const dx = this.#dx = resize(this.#dx, x.rows, sizeOf(this.inShape));
    dw.fill(0);
    db.fill(0);
    dx.data.fill(0);
    for (let n = 0; n < x.rows; n++) {
      const image = n * C * H * W;
      for (let f = 0; f < F; f++) {
        for (let i = 0; i < Ho; i++) {
          for (let j = 0; j < Wo; j++) {
            const g = dy.data[((n * F + f) * Ho + i) * Wo + j];
            db[f] += g;
            for (let c = 0; c < C; c++) {
              for (let u = 0; u < k; u++) {
                const row = i + u - p;
                if (row < 0 || row >= H) continue;
                for (let v = 0; v < k; v++) {
                  const col = j + v - p;
                  if (col < 0 || col >= W) continue;
                  const at = image + (c * H + row) * W + col,
                    weight = ((f * C + c) * k + u) * k + v;
                  dw[weight] += g * x.data[at];
                  dx.data[at] += g * w[weight];
                }
              }
            }
          }
        }
      }
    }
    return dx;
  }
}
