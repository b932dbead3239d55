/**
 * Flatten: channels × height × width become one vector of C·H·W units, ready for a dense layer.
 * The rows of a batch already hold each example that way, so forward and backward pass the values
 * through unchanged; only the shape the next layer is told changes.
 *
 *     y[n, (c·H + h)·W + w] = x[n, c, h, w]        dL/dx = dL/dy, read the same way
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import { type Layer, sizeOf } from "./layer.ts";
import type { Shape } from "../network.ts";

/** A flatten layer. */
export class Flatten implements Layer {
  readonly outShape: Shape;
  readonly parameters = [];

  constructor(readonly inShape: Shape) {
    this.outShape = { channels: sizeOf(inShape), height: 1, width: 1 };
  }

  forward(x: Matrix): Matrix {
    return x;
  }

  backward(dy: Matrix): Matrix {
    return dy;
  }
}
