/**
 * What each layer of a network does to one batch, measured: its hidden activations, the slope
 * f'(z) its units pass gradients back through, the share of units that pass almost none, and the
 * size of each weight matrix's gradient. Backpropagation multiplies the error by f'(z) once per
 * layer, δₗ = (δₗ₊₁ Wₗ₊₁ᵀ) ⊙ f'(zₗ), so in a deep sigmoid network (σ' ≤ 1/4) the gradient shrinks
 * layer after layer on its way back to the input: these numbers show it.
 *
 * @module
 */

import { type ActivationName, multiplyByDerivative } from "./activations.ts";
import { backprop, createWorkspace } from "./backprop.ts";
import { type Matrix, norm } from "./matrix.ts";
import type { Gradients, MlpNetwork, SequentialNetwork } from "./network.ts";
import { formatLayers } from "./layers/spec.ts";
import { layersOf } from "./sequential.ts";

/** A value is saturated where its slope f'(z) is below this share of the activation's peak slope. */
export const SATURATION_SLOPE = 0.2;

/** One network's layers, measured on one batch. */
export interface NetworkProfile {
  /** What the profile is shown as: "sigmoid (uniform)", for instance. */
  name: string;
  /** The hidden layers' activation. */
  hidden: ActivationName;
  /** activations[l]: hidden layer l + 1's outputs for every row of the batch, rows × units, flat. */
  activations: Float32Array[];
  /** meanSlopes[l]: the mean of f'(z) over hidden layer l + 1's units and rows. */
  meanSlopes: number[];
  /** saturated[l]: the share of hidden layer l + 1's values where f'(z) < a fifth of its peak. */
  saturated: number[];
  /** gradientNorms[l]: ‖∂L/∂W‖ of weight layer l + 1 (layer 1 takes the input). */
  gradientNorms: number[];
  /** The batch's mean cross-entropy loss. */
  loss: number;
}

/**
 * The Frobenius norm ‖∂L/∂W‖ = √(Σ g²) of each weight layer's gradient, input side first.
 *
 * @param gradients from `backprop`
 * @returns one norm per weight layer
 * @example
 * ```ts
 * import { layerGradientNorms } from "./layer_statistics.ts";
 * import { backprop } from "./backprop.ts";
 * import { createNetwork } from "./mlp.ts";
 * import { matrix } from "./matrix.ts";
 * const network = createNetwork({ sizes: [784, 16, 16, 10] });
 * layerGradientNorms(backprop(network, matrix(2, 784), [3, 1])).length; // 3
 * ```
 */
export function layerGradientNorms(gradients: Gradients): number[] {
  return gradients.gradWeights.map((g) => norm(g.data));
}

/**
 * The largest slope f'(z) of a hidden activation over z in [−10, 10]: 1/4 for the sigmoid, 1 for
 * tanh and ReLU, about 1.1 for SiLU.
 *
 * @returns the peak of f'
 * @example
 * ```ts
 * import { peakSlope } from "./layer_statistics.ts";
 * peakSlope("sigmoid"); // 0.25
 * ```
 */
export function peakSlope(hidden: ActivationName): number {
  const z = Float32Array.from({ length: 2001 }, (_, i) => -10 + i / 100);
  const slopes = multiplyByDerivative(hidden, z, new Float32Array(z.length).fill(1));
  return slopes.reduce((a, b) => Math.max(a, b), 0);
}

/**
 * Runs one batch forward and back through a network and measures every layer: the hidden
 * activations, their mean slope f'(z), the share of saturated values (f'(z) below a fifth of the
 * peak slope: for a sigmoid, outputs below 0.053 or above 0.947; for tanh, |a| > 0.894; for a
 * ReLU, every unit that is off), and the norm of each weight layer's gradient.
 *
 * @param network the network, not changed
 * @param batch the images and labels to measure on
 * @param name what to call the profile (default: the activation and the initialisation)
 * @returns the profile
 * @example
 * ```ts
 * import { profileNetwork } from "./layer_statistics.ts";
 * import { createNetwork } from "./mlp.ts";
 * import { matrix } from "./matrix.ts";
 * const network = createNetwork({ sizes: [784, 16, 16, 10], hidden: "relu" });
 * const batch = { images: matrix(4, 784), labels: new Uint8Array([0, 1, 2, 3]) };
 * profileNetwork(network, batch).name; // "relu (he-normal)"
 * ```
 */
export function profileNetwork(
  network: MlpNetwork,
  batch: { images: Matrix; labels: Uint8Array },
  name?: string,
): NetworkProfile {
  const rows = batch.images.rows;
  const workspace = createWorkspace(network, rows);
  const gradients = backprop(network, batch.images, batch.labels, workspace);
  const peak = peakSlope(network.hidden);
  const activations: Float32Array[] = [];
  const meanSlopes: number[] = [], saturated: number[] = [];
  for (let l = 1; l < network.sizes.length - 1; l++) {
    const size = rows * network.sizes[l];
    activations.push(workspace.activations[l].data.slice(0, size));
    const z = workspace.preActivations[l].data.subarray(0, size);
    const slopes = multiplyByDerivative(network.hidden, z, new Float32Array(size).fill(1));
    let sum = 0, flat = 0;
    for (let i = 0; i < size; i++) {
      sum += slopes[i];
      if (Math.abs(slopes[i]) < SATURATION_SLOPE * peak) flat++;
    }
    meanSlopes.push(sum / size);
    saturated.push(flat / size);
  }
  const init = typeof network.init === "string" ? network.init : network.init.kind;
  return {
    name: name ?? `${network.hidden} (${init})`,
    hidden: network.hidden,
    activations,
    meanSlopes,
    saturated,
    gradientNorms: layerGradientNorms(gradients),
    loss: gradients.loss,
  };
}

/**
 * How much the gradient shrinks on its way back through a network: the first weight layer's
 * gradient norm divided by the last's. Near 1 the gradient keeps its size; far below 1 it vanishes
 * before it reaches the input.
 *
 * @param profile from {@linkcode profileNetwork}
 * @returns ‖∂L/∂W₁‖ ÷ ‖∂L/∂W_last‖
 * @example
 * ```ts
 * import { gradientShrink } from "./layer_statistics.ts";
 * gradientShrink({ gradientNorms: [0.001, 0.01, 1] }); // 0.001
 * ```
 */
export function gradientShrink(profile: Pick<NetworkProfile, "gradientNorms">): number {
  return profile.gradientNorms[0] / profile.gradientNorms[profile.gradientNorms.length - 1];
}

/** The values that enter one activation layer of a sequential network, for every row of a batch. */
export interface ActivationInput {
  /** Which activation layer it is, counted from the input (1 for the first). */
  index: number;
  /** The activation's name ("relu"). */
  activation: string;
  /** The layers between the previous activation and this one, as text ("conv(16,3,0) batchnorm"). */
  after: string;
  /** Every value entering it, rows × the layer's size, flat. */
  values: Float32Array;
}

/**
 * What enters each activation of a sequential network on one batch, in inference mode (dropout
 * off, batch normalisation with its running statistics): the distributions batch normalisation
 * is meant to keep steady from layer to layer, z ~ (mean β, spread γ) whatever the layers before
 * did to the scale.
 *
 * @param network a sequential network
 * @param images the batch, rows × 784
 * @returns one entry per activation layer, input side first
 * @example
 * ```ts
 * import { activationInputs, createSequential, matrix } from "../mod.ts";
 * const network = createSequential({ layers: "conv(4,3) batchnorm relu flatten dense(8) relu" });
 * activationInputs(network, matrix(2, 784)).map((a) => a.after); // ["conv(4,3) batchnorm", "flatten dense(8)"]
 * ```
 */
export function activationInputs(network: SequentialNetwork, images: Matrix): ActivationInput[] {
  const layers = layersOf(network);
  const inputs: ActivationInput[] = [];
  let a = images, since = 0;
  network.layers.forEach((spec, i) => {
    if (spec.type === "activation") {
      inputs.push({
        index: inputs.length + 1,
        activation: spec.activation,
        after: formatLayers(network.layers.slice(since, i)),
        values: Float32Array.from(a.data),
      });
      since = i + 1;
    }
    a = layers[i].forward(a);
  });
  return inputs;
}
