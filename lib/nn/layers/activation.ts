/**
 * An element-wise activation as a layer of its own: y = f(x) for every value, the shape unchanged.
 * Backward multiplies by the derivative at the same input:
 *
 *     dL/dx = dL/dy ⊙ f'(x)
 *
 * f is any of the MLP's hidden activations (sigmoid, tanh, ReLU, SiLU; see activations.ts).
 *
 * @module
 */

import { activate, type ActivationName, multiplyByDerivative } from "../activations.ts";
import type { Matrix } from "../matrix.ts";
import { type Layer, resize } from "./layer.ts";
import type { Shape } from "../network.ts";

/** An activation layer. */
export class Activation implements Layer {
  readonly outShape: Shape;
  readonly parameters = [];
  #x?: Matrix;
  #y?: Matrix;
  #dx?: Matrix;

  constructor(readonly inShape: Shape, readonly activation: ActivationName) {
    this.outShape = inShape;
  }

  forward(x: Matrix): Matrix {
    this.#x = x;
    const y = this.#y = resize(this.#y, x.rows, x.cols);
    activate(this.activation, x.data.subarray(0, x.rows * x.cols), y.data);
    return y;
  }

  backward(dy: Matrix): Matrix {
    const x = this.#x;
    if (!x) throw new Error("Cannot run backward: no batch has gone forward yet");
    const dx = this.#dx = resize(this.#dx, dy.rows, dy.cols);
    dx.data.set(dy.data.subarray(0, dx.data.length));
    multiplyByDerivative(this.activation, x.data.subarray(0, dx.data.length), dx.data);
    return dx;
  }
}
