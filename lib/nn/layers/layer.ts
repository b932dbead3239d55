/**
 * What every layer of a sequential network is: a shape in, a shape out, its parameters with their
 * gradients, and a forward and a backward pass over a batch. A network is a list of layers; the
 * loss (softmax and cross-entropy) sits after the last one.
 *
 * Images travel as the rows of a {@linkcode Matrix}: row n holds example n's channels one after
 * another, each channel row by row (channels × height × width, "NCHW").
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import type { Parameter, Shape } from "../network.ts";

/** The number of values in one example of `shape`. */
export function sizeOf(shape: Shape): number {
  return shape.channels * shape.height * shape.width;
}

/** "32×14×14", or "128" for a flat shape. */
export function describeShape(shape: Shape): string {
  return shape.height === 1 && shape.width === 1
    ? `${shape.channels}`
    : `${shape.channels}×${shape.height}×${shape.width}`;
}

/** A dropout layer's training context: the masks of one step. */
export interface StepContext {
  /** The seed of the masks. */
  seed: number;
  /** The training step, so every batch gets new masks. */
  step: number;
}

/** A layer of a sequential network, holding the buffers of its last batch. */
export interface Layer {
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** Its weights and biases beside their gradients; none for a layer without parameters. */
  readonly parameters: Parameter[];
  /**
   * The layer's output for a batch (rows × size of `outShape`); it remembers what `backward`
   * needs. `training` is given while training (dropout drops then, and only then).
   */
  forward(x: Matrix, training?: StepContext): Matrix;
  /**
   * Given dL/dy for the last forward batch, fills the parameters' gradients and returns dL/dx.
   */
  backward(dy: Matrix): Matrix;
}

/**
 * A batch-sized output buffer that grows when a larger batch comes: `rows` rows of `cols`.
 *
 * @returns a view of `rows` rows over the (possibly new) storage
 */
export function resize(buffer: Matrix | undefined, rows: number, cols: number): Matrix {
  const data = buffer && buffer.data.buffer.byteLength >= rows * cols * 4
    ? new Float32Array(buffer.data.buffer, 0, rows * cols)
    : new Float32Array(rows * cols);
  return { rows, cols, data };
}
