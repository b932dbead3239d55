/**
 * The gradient check of every kind of layer, each on its own on small random shapes (odd sizes
 * included), as notebook 10 shows it and the tests require it: the layer's backward pass against
 * central differences, for its input and each of its parameter arrays.
 *
 * @module
 */

import { ACTIVATIONS } from "../activations.ts";
import { type LayerGradientCheck, layerGradientCheck } from "../gradient_check.ts";
import { type Matrix, matrix } from "../matrix.ts";
import { Random } from "../random.ts";
import { Activation } from "./activation.ts";
import { Conv2d } from "./conv2d.ts";
import { Dense } from "./dense.ts";
import { DropoutLayer } from "./dropout.ts";
import { Flatten } from "./flatten.ts";
import { type Layer, sizeOf } from "./layer.ts";
import { MaxPool } from "./maxpool.ts";
import type { Shape } from "../network.ts";

/** One layer's check: its name and shape, and a row per array checked. */
export interface EveryLayerCheck extends LayerGradientCheck {
  /** "conv(4,3) on 2×7×5", … */
  layer: string;
}

/**
 * Builds one small layer of each kind and checks it.
 *
 * @param seed of the random inputs and weights
 * @returns one row per layer and array (input, W, b)
 * @example
 * ```ts
 * import { checkEveryLayer } from "./check_every_layer.ts";
 * checkEveryLayer().every((row) => row.worstRelativeError < 1e-2); // true
 * ```
 */
export function checkEveryLayer(seed = 695): EveryLayerCheck[] {
  const rng = new Random(seed);
  const random = (n: number) => {
    const values = new Float32Array(n);
    rng.fillUniform(values, -1, 1);
    return values;
  };
  const batch = (shape: Shape, rows = 3): Matrix =>
    matrix(rows, sizeOf(shape), random(rows * sizeOf(shape)));
  const image: Shape = { channels: 2, height: 7, width: 5 };
  // Inputs kept away from 0 for the activations (ReLU's kink), and at least 0.05 apart for max
  // pooling, so that a nudge of ε = 0.01 never changes a window's winner.
  const awayFromZero = batch(image);
  awayFromZero.data.forEach((v, i) => awayFromZero.data[i] = v >= 0 ? v + 0.05 : v - 0.05);
  const spread = matrix(
    3,
    sizeOf(image),
    Float32Array.from(rng.permutation(3 * sizeOf(image)), (v) => v * 0.05),
  );
  const cases: [string, Layer, Matrix][] = [
    [
      "conv(3,3) on 2×7×5",
      new Conv2d(image, 3, 3, 1, random(3 * 2 * 9), random(3), "1"),
      batch(image),
    ],
    [
      "conv(4,2,0) on 2×7×5",
      new Conv2d(image, 4, 2, 0, random(4 * 2 * 4), random(4), "1"),
      batch(image),
    ],
    ["maxpool(2) on 2×7×5", new MaxPool(image, 2), spread],
    ["flatten on 2×7×5", new Flatten(image), batch(image)],
    ["dense(6) on 2×7×5", new Dense(image, 6, random(70 * 6), random(6), "1"), batch(image)],
    ...ACTIVATIONS.map((
      a,
    ): [string, Layer, Matrix] => [`${a} on 2×7×5`, new Activation(image, a), awayFromZero]),
    ["dropout(0.4) on 2×7×5", new DropoutLayer(image, 0.4, 1), batch(image)],
  ];
  return cases.flatMap(([layer, built, x]) =>
    layerGradientCheck(built, x, { seed }).map((row) => ({ layer, ...row }))
  );
}
