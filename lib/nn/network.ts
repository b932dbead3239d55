/**
 * The core types, in one leaf that the rest of the library builds on: a {@linkcode Network} is
 * either the assignment's multi-layer perceptron or a sequential network (a list of layers, such
 * as a CNN), told apart by `kind`; a {@linkcode Parameter} is one array of it beside its gradient;
 * a {@linkcode Shape} is one example's channels × height × width; {@linkcode Gradients} is what
 * backpropagation returns. It imports only types, from files that import nothing of networks.
 *
 * @module
 */

import type { ActivationName } from "./activations.ts";
import type { InitOption } from "./init.ts";
import type { LayerSpec } from "./layers/spec.ts";
import type { Matrix } from "./matrix.ts";

/** The shape of one example as a layer sees it: a dense layer's output is units × 1 × 1. */
export interface Shape {
  channels: number;
  height: number;
  width: number;
}

/** What every network holds: its sizes, activation, initialisation, seed and parameters. */
interface NetworkParameters {
  sizes: number[];
  hidden: ActivationName;
  init: InitOption;
  seed: number;
  /** weights[l] is layer l's weight matrix (the l-th layer with parameters, for a sequence). */
  weights: Matrix[];
  /** biases[l] has as many entries as weights[l] has outputs. */
  biases: Float32Array[];
}

/**
 * The assignment's multi-layer perceptron (`createNetwork` in mlp.ts): `sizes` lists every
 * layer's units, input first; weights[l] is sizes[l] × sizes[l+1] and biases[l] has sizes[l+1]
 * entries; hidden layers apply `hidden`, the output layer a softmax.
 */
export interface MlpNetwork extends NetworkParameters {
  kind: "mlp";
}

/**
 * A sequential network (`createSequential` in sequential.ts): its `layers`, the output layer
 * last, on examples of shape `input`; `weights` and `biases` belong to its layers with parameters
 * (a convolution's weights as filters × (channels·k·k), a dense layer's as in × out), and `sizes`
 * lists the input's size and each of those layers' output sizes.
 */
export interface SequentialNetwork extends NetworkParameters {
  kind: "sequential";
  layers: LayerSpec[];
  /** One example's shape (1 × 28 × 28 for MNIST). */
  input: Shape;
}

/** A network: the MLP or a sequential network, told apart by `kind`. */
export type Network = MlpNetwork | SequentialNetwork;

/**
 * Whether `network` is a sequential network (it lists its layers) rather than the plain MLP.
 *
 * @returns true for kind "sequential"
 * @example
 * ```ts
 * import { createNetwork, isSequential } from "../mod.ts";
 * isSequential(createNetwork()); // false
 * ```
 */
export function isSequential(network: Network): network is SequentialNetwork {
  return network.kind === "sequential";
}

/** One array of parameters, the gradient of the loss with respect to it, and its role. */
export interface Parameter {
  /** "W1", "b1", …: layer l's weights and biases, counted from 1. */
  name: string;
  value: Float32Array;
  /** Same length as `value`; filled by the model's `backward`. */
  gradient: Float32Array;
  /** Whether weight decay shrinks it: weights yes, biases no. */
  decay: boolean;
}

/** What `backprop` returns: the batch's mean loss and the gradient of every parameter. */
export interface Gradients {
  loss: number;
  gradWeights: Matrix[];
  gradBiases: Float32Array[];
}
