/**
 * A sequential network: a list of layers (convolution, pooling, flatten, dense, activations,
 * dropout) from the image to the output layer, then softmax and cross-entropy as in the MLP. It is
 * a {@linkcode SequentialNetwork} whose `layers` field lists the architecture; its `weights` and `biases`
 * hold the parameters of the layers that have them, in order (a convolution's weights as filters ×
 * (channels·k·k), a dense layer's as in × out), so saving, copying and training treat it like any
 * network.
 *
 * @module
 */

import { type ActivationName, ACTIVATIONS, softmaxRows } from "./activations.ts";
import { defaultInit, initDistribution, type InitOption, initProblem } from "./init.ts";
import { smoothedCrossEntropy, softmaxCrossEntropyGradient } from "./loss.ts";
import { type Matrix, matrix } from "./matrix.ts";
import type { Model } from "./model.ts";
import {
  isSequential,
  type Network,
  type Parameter,
  type SequentialNetwork,
  type Shape,
} from "./network.ts";
import { DEFAULT_SEED, Random } from "./random.ts";
import { Activation } from "./layers/activation.ts";
import { Conv2d } from "./layers/conv2d.ts";
import { Dense } from "./layers/dense.ts";
import { DropoutLayer } from "./layers/dropout.ts";
import { Flatten } from "./layers/flatten.ts";
import { describeShape, type Layer, resize, sizeOf } from "./layers/layer.ts";
import { MaxPool } from "./layers/maxpool.ts";
import { formatLayers, hasParameters, type LayerSpec, parseLayers } from "./layers/spec.ts";
import { BatchNorm } from "./layers/batchnorm.ts";

/** MNIST's shape: one channel of 28 × 28 pixels. */
export const MNIST_SHAPE: Shape = { channels: 1, height: 28, width: 28 };

/** What {@linkcode createSequential} takes. */
export interface SequentialOptions {
  /** The layers before the output layer, as a list or in text ("conv(32,5) relu maxpool(2) …"). */
  layers: LayerSpec[] | string;
  /** One example's shape; default 1 × 28 × 28. */
  input?: Shape;
  /** Output units; default 10. */
  classes?: number;
  /** Default: the one that suits the first activation (He's for ReLU). */
  init?: InitOption;
  seed?: number;
}

/**
 * The shape after each layer, from the input's; throws a clear error for a layer that does not
 * fit (a window larger than the image).
 *
 * @returns one shape per layer
 */
export function shapesOf(input: Shape, layers: LayerSpec[]): Shape[] {
  const shapes: Shape[] = [];
  let shape = input;
  layers.forEach((spec, i) => shapes.push(shape = buildLayer(shape, spec, i + 1).outShape));
  return shapes;
}

/**
 * The shapes of a sequential network's parameters, layer by layer: a convolution's weights are
 * filters × (channels·k·k), a dense layer's in × out.
 *
 * @returns one entry per layer with parameters: weight rows and columns, and biases
 */
export function parameterShapes(
  input: Shape,
  layers: LayerSpec[],
): { rows: number; cols: number; biases: number }[] {
  const shapes = shapesOf(input, layers);
  return layers.flatMap((layer, i) => {
    const before = i === 0 ? input : shapes[i - 1];
    if (layer.type === "conv") {
      return [{
        rows: layer.filters,
        cols: before.channels * layer.size ** 2,
        biases: layer.filters,
      }];
    }
    if (layer.type === "dense") {
      return [{ rows: sizeOf(before), cols: layer.units, biases: layer.units }];
    }
    // γ as 1 × C weights; β, the running mean and the running variance as 3C biases.
    if (layer.type === "batchnorm") {
      return [{ rows: 1, cols: before.channels, biases: 3 * before.channels }];
    }
    return [];
  });
}

/**
 * Creates a sequential network with seeded random weights (each layer's drawn as `init` says for
 * its fan-in and fan-out) and zero biases; dense(classes) is added as the output layer.
 *
 * @returns the network
 * @example
 * ```ts
 * import { createSequential } from "./sequential.ts";
 * const network = createSequential({ layers: "conv(8,3) relu maxpool(2) flatten" });
 * network.sizes; // [784, 6272, 10]: the input, then each layer with parameters
 * ```
 */
export function createSequential(options: SequentialOptions): SequentialNetwork {
  const input = options.input ?? MNIST_SHAPE;
  const classes = options.classes ?? 10;
  const listed = typeof options.layers === "string" ? parseLayers(options.layers) : options.layers;
  const layers: LayerSpec[] = [...listed, { type: "dense", units: classes }];
  const firstActivation = layers.find((l) => l.type === "activation");
  const hidden: ActivationName = firstActivation?.type === "activation"
    ? firstActivation.activation
    : "relu";
  const init = options.init ?? defaultInit(hidden);
  const problem = initProblem(init);
  if (problem) throw new RangeError(`Cannot create a network: unknown init; ${problem}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const rng = new Random(seed);
  const shapes = shapesOf(input, layers);
  const sizes = [
    sizeOf(input),
    ...layers.flatMap((layer, i) => hasParameters(layer) ? [sizeOf(shapes[i])] : []),
  ];
  const weights = parameterShapes(input, layers).map(({ rows, cols }, i) => {
    const layer = layers.filter(hasParameters)[i];
    // Batch normalisation starts as the identity: γ = 1 (and β = 0, the variance 1, below).
    if (layer.type === "batchnorm") return matrix(rows, cols, new Float32Array(cols).fill(1));
    // fan-in and fan-out: a filter sees channels·k·k inputs and feeds filters·k·k outputs.
    const [fanIn, fanOut] = layer.type === "conv" ? [cols, rows * layer.size ** 2] : [rows, cols];
    const w = matrix(rows, cols);
    const spread = initDistribution(init, fanIn, fanOut);
    if (spread.distribution === "uniform") rng.fillUniform(w.data, spread.low!, spread.high!);
    else rng.fillNormal(w.data, 0, spread.std!);
    return w;
  });
  const biases = parameterShapes(input, layers).map((p, i) => {
    const b = new Float32Array(p.biases);
    if (layers.filter(hasParameters)[i].type === "batchnorm") b.fill(1, (2 * p.biases) / 3);
    return b;
  });
  return { kind: "sequential", sizes, hidden, init, seed, weights, biases, layers, input };
}

/**
 * The layers of `network`, over its own weights and biases (a step taken on their parameters
 * changes the network).
 *
 * @returns one {@linkcode Layer} per listed layer, the output layer last
 */
export function layersOf(network: SequentialNetwork): Layer[] {
  if (!isSequential(network)) {
    throw new TypeError("Cannot build layers: this network is the plain MLP (it lists no layers)");
  }
  return buildLayers(
    network.input,
    network.layers,
    network.weights.map((w, i) => ({ weights: w.data, biases: network.biases[i] })),
  );
}

/**
 * A sequential network as a {@linkcode Model} the training loop and the optimizers drive: forward
 * runs the layers and the softmax, backward the cross-entropy's gradient (p − y)/m back through
 * them, filling every parameter's gradient.
 *
 * @param options `seed` of the dropout masks; `labelSmoothing`: ε of the targets (0 for none)
 * @returns the model over the network's own arrays
 */
export function sequentialModel(
  network: SequentialNetwork,
  options: { seed?: number; labelSmoothing?: number } = {},
): Model {
  const layers = layersOf(network);
  const seed = options.seed ?? DEFAULT_SEED;
  let step = 0;
  let probabilities: Matrix | undefined, delta: Matrix | undefined;
  const parameters: Parameter[] = layers.flatMap((layer) => layer.parameters);
  return {
    forward(x) {
      step++;
      let a = x;
      for (const layer of layers) a = layer.forward(a, { seed, step });
      probabilities = softmaxRows(a, resize(probabilities, a.rows, a.cols));
      return probabilities;
    },
    backward(labels) {
      if (!probabilities) throw new Error("Cannot run backward: no batch has gone forward yet");
      const p = probabilities, smoothing = options.labelSmoothing ?? 0;
      delta = resize(delta, p.rows, p.cols);
      softmaxCrossEntropyGradient(p, labels, delta, smoothing);
      let d = delta;
      for (let l = layers.length - 1; l >= 0; l--) d = layers[l].backward(d);
      return smoothedCrossEntropy(p, labels, smoothing);
    },
    parameters: () => parameters,
  };
}

/**
 * The softmax outputs of a sequential network for every row of `images`, nothing dropped, in
 * chunks of `chunk` rows.
 *
 * @returns rows × classes probabilities
 */
export function predictSequential(network: SequentialNetwork, images: Matrix, chunk = 256): Matrix {
  const layers = layersOf(network);
  const classes = network.sizes.at(-1)!, n = images.cols;
  const out = matrix(images.rows, classes);
  for (let start = 0; start < images.rows; start += chunk) {
    const rows = Math.min(chunk, images.rows - start);
    let a: Matrix = { rows, cols: n, data: images.data.subarray(start * n, (start + rows) * n) };
    for (const layer of layers) a = layer.forward(a);
    softmaxRows(a, { rows, cols: classes, data: out.data.subarray(start * classes) });
  }
  return out;
}

/**
 * A network's architecture in a few words: "784-128-64-10" for an MLP, its layers for a sequential
 * network ("conv(32,5) relu maxpool(2) … dense(10)").
 *
 * @returns the words
 * @example
 * ```ts
 * import { createNetwork } from "./mlp.ts";
 * import { describeNetwork } from "./sequential.ts";
 * describeNetwork(createNetwork()); // "784-128-64-10"
 * ```
 */
export function describeNetwork(network: Network): string {
  return isSequential(network) ? formatLayers(network.layers) : network.sizes.join("-");
}

/**
 * One line per layer: its text form and output shape, e.g. "conv(32,5) → 32×28×28", the output
 * layer last.
 *
 * @returns the lines
 */
export function describeLayers(network: Network): string[] {
  if (!isSequential(network)) return [];
  const shapes = shapesOf(network.input, network.layers);
  return network.layers.map((layer, i) => `${formatLayers([layer])} → ${describeShape(shapes[i])}`);
}

// ---- building ------------------------------------------------------------------------------------

type Parameters = { weights: Float32Array; biases: Float32Array };

function buildLayers(input: Shape, specs: LayerSpec[], parameters: Parameters[]): Layer[] {
  const layers: Layer[] = [];
  let shape = input, next = 0;
  specs.forEach((spec, i) => {
    const own = hasParameters(spec) ? parameters[next++] : undefined;
    if (hasParameters(spec) && !own) {
      throw new RangeError(
        `Cannot build layer ${i + 1} (${
          formatLayers([spec])
        }): the network has no parameters for it`,
      );
    }
    const layer = buildLayer(shape, spec, i + 1, own, next);
    layers.push(layer);
    shape = layer.outShape;
  });
  return layers;
}

// Builds one layer on `shape`; without `own` parameters it has empty ones, enough for its shape.
function buildLayer(
  shape: Shape,
  spec: LayerSpec,
  index: number,
  own?: Parameters,
  name = 0,
): Layer {
  const check = (weights: number, biases: number) => {
    if (own && (own.weights.length !== weights || own.biases.length !== biases)) {
      throw new RangeError(
        `Cannot build layer ${index} (${formatLayers([spec])}) on ${
          describeShape(shape)
        }: expected ${weights} weights and ${biases} biases, found ${own.weights.length} and ${own.biases.length}`,
      );
    }
  };
  const weights = own?.weights ?? new Float32Array(0), biases = own?.biases ?? new Float32Array(0);
  switch (spec.type) {
    case "conv":
      check(spec.filters * shape.channels * spec.size ** 2, spec.filters);
      return new Conv2d(
        shape,
        spec.filters,
        spec.size,
        spec.padding,
        weights,
        biases,
        String(name),
      );
    case "dense":
      check(sizeOf(shape) * spec.units, spec.units);
      return new Dense(shape, spec.units, weights, biases, String(name));
    case "maxpool":
      return new MaxPool(shape, spec.size);
    case "flatten":
      return new Flatten(shape);
    case "activation":
      if (!ACTIVATIONS.includes(spec.activation)) {
        throw new RangeError(
          `Cannot build layer ${index}: unknown activation "${spec.activation}"`,
        );
      }
      return new Activation(shape, spec.activation);
    case "dropout":
      return new DropoutLayer(shape, spec.rate, index);
    case "batchnorm":
      check(shape.channels, 3 * shape.channels);
      return new BatchNorm(shape, weights, biases, String(name));
    default: {
      // A kind the type does not list (from a file, or a newer version): refused by name.
      const kind = (spec as { type?: unknown }).type;
      throw new TypeError(
        `Cannot build layer ${index}: unknown layer "${String(kind)}" (known: ${KNOWN_LAYERS})`,
      );
    }
  }
}

/** The layer kinds a sequential network is built from, for the error above. */
const KNOWN_LAYERS = "conv, maxpool, flatten, dense, activation, dropout, batchnorm";
