/**
 * Where a network's parameters sit in PyTorch: the `torch.nn.Sequential` that computes what the
 * project's network computes, the name of each tensor in its `state_dict`, and each tensor's
 * layout. Both exports and the import read their names and shapes from here, so a file written
 * by one side loads on the other without a transpose.
 *
 * The PyTorch network holds one module per layer of the project's, in order (the output layer
 * last): `conv` is `nn.Conv2d`, `maxpool` `nn.MaxPool2d`, `flatten` `nn.Flatten`, `dense`
 * `nn.Linear`, the activations `nn.Sigmoid`, `nn.Tanh`, `nn.ReLU` and `nn.SiLU`, `dropout`
 * `nn.Dropout`, `batchnorm` `nn.BatchNorm2d` on an image and `nn.BatchNorm1d` on a flat vector
 * (γ its weight, β its bias, and the running averages its `running_mean` and `running_var`; the
 * same ε, 1e-5, and momentum, 0.1). Where a dense layer reads an image (the project flattens it implicitly), an
 * `nn.Flatten()` comes first (and an `nn.Unflatten` where a convolution reads a flat vector), so
 * every tensor is named `<index>.weight` or `<index>.bias`. The
 * softmax is not in it: the network ends on the logits. The MLP is the same with a flat input:
 *
 *     784-128-64-10 sigmoid = nn.Sequential(nn.Linear(784, 128), nn.Sigmoid(),
 *                                           nn.Linear(128, 64), nn.Sigmoid(), nn.Linear(64, 10))
 *                             with tensors 0.weight (128×784), 0.bias, 2.weight, 2.bias, 4.…
 *
 * Layouts: the project's convolution weights are F × (C·k·k), which is PyTorch's [F, C, k, k]
 * read row by row, so they are copied as they are; its dense weights are in × out, PyTorch's are
 * [out, in], so they are transposed.
 *
 * @module
 */

import { describeShape, sizeOf } from "../nn/layers/layer.ts";
import { formatLayers, type LayerSpec } from "../nn/layers/spec.ts";
import { shapesOf } from "../nn/sequential.ts";
import { isSequential, type Network, type Shape } from "../nn/network.ts";

/** A network as a list of layers on an input shape: a sequential network's own, or the MLP's. */
export interface Architecture {
  input: Shape;
  /** Every layer, the output layer last. */
  layers: LayerSpec[];
}

/** One tensor of a PyTorch state_dict: its name, shape and values, row-major float32. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Where one parameter of the project's network sits in PyTorch's state_dict. */
export interface TorchParameter {
  /** Its index among the network's weights and biases. */
  parameter: number;
  /** The layer's text form and what it reads, for error messages: "dense(64) on 128 inputs". */
  layer: string;
  weight: { name: string; shape: number[] };
  bias: { name: string; shape: number[] };
  /** Batch normalisation's running averages, which the project keeps after β in the biases. */
  statistics?: {
    mean: { name: string; shape: number[] };
    variance: { name: string; shape: number[] };
  };
}

/**
 * The layers of any network, the MLP's written as dense layers and activations on a flat input.
 *
 * @returns the input shape and every layer, the output layer last
 * @example
 * ```ts
 * import { architectureOf, createNetwork, formatLayers } from "../mod.ts";
 * formatLayers(architectureOf(createNetwork()).layers);
 * // "dense(128) sigmoid dense(64) sigmoid dense(10)"
 * ```
 */
export function architectureOf(network: Network): Architecture {
  if (isSequential(network)) return { input: network.input, layers: network.layers };
  const layers: LayerSpec[] = network.sizes.slice(1).flatMap((units, l, rest) =>
    l + 1 < rest.length
      ? [{ type: "dense", units }, { type: "activation", activation: network.hidden }]
      : [{ type: "dense", units }]
  );
  return { input: { channels: network.sizes[0], height: 1, width: 1 }, layers };
}

/** Whether an example of this shape is a flat vector (what a dense layer makes). */
export function isFlat(shape: Shape): boolean {
  return shape.height === 1 && shape.width === 1;
}

/**
 * The PyTorch modules of an architecture, one entry per module, each with the index of the
 * project's layer it stands for. PyTorch's tensors keep their rank where the project's rows do
 * not, so an `nn.Flatten()` goes before a dense layer that reads an image, and an `nn.Unflatten`
 * before a convolution or pooling that reads a flat vector.
 */
function torchModules(architecture: Architecture): { text: string; layer: number }[] {
  const { input, layers } = architecture;
  const shapes = shapesOf(input, layers);
  let flat = isFlat(input);
  return layers.flatMap((layer, i) => {
    const before = i === 0 ? input : shapes[i - 1];
    const module = (text: string) => ({ text, layer: i });
    const asImage = () => {
      const was = flat;
      flat = false;
      const { channels: c, height: h, width: w } = before;
      return was ? [module(`nn.Unflatten(1, (${c}, ${h}, ${w}))`)] : [];
    };
    switch (layer.type) {
      case "conv":
        return [
          ...asImage(),
          module(
            `nn.Conv2d(${before.channels}, ${layer.filters}, ${layer.size}, padding=${layer.padding})`,
          ),
        ];
      case "maxpool":
        return [...asImage(), module(`nn.MaxPool2d(${layer.size})`)];
      case "flatten":
        flat = true;
        return [module("nn.Flatten()")];
      case "dense": {
        const flatten = flat ? [] : [module("nn.Flatten()")];
        flat = true;
        return [...flatten, module(`nn.Linear(${sizeOf(before)}, ${layer.units})`)];
      }
      case "activation":
        return [module(
          { sigmoid: "nn.Sigmoid()", tanh: "nn.Tanh()", relu: "nn.ReLU()", silu: "nn.SiLU()" }[
            layer.activation
          ],
        )];
      case "dropout":
        return [module(`nn.Dropout(${layer.rate})`)];
      case "batchnorm":
        return [module(`nn.BatchNorm${flat ? "1" : "2"}d(${before.channels})`)];
      default:
        throw new RangeError(
          `Cannot export a ${(layer as { type: string }).type} layer to PyTorch`,
        );
    }
  });
}

/**
 * The PyTorch network of an architecture, as Python text that `eval` builds with `nn` in scope.
 *
 * @returns e.g. "nn.Sequential(nn.Linear(784, 128), nn.Sigmoid(), …, nn.Linear(64, 10))"
 */
export function torchModuleText(architecture: Architecture): string {
  return `nn.Sequential(${torchModules(architecture).map((m) => m.text).join(", ")})`;
}

/**
 * Where each weight and bias of an architecture sits in PyTorch's state_dict, and its shape
 * there.
 *
 * @returns one entry per layer with parameters, in the network's order
 * @example
 * ```ts
 * import { architectureOf, createSequential, torchParameters } from "../mod.ts";
 * const network = createSequential({ layers: "conv(8,3) relu maxpool(2) dense(16) relu" });
 * torchParameters(architectureOf(network)).map((p) => p.weight.name);
 * // ["0.weight", "4.weight", "6.weight"]: an nn.Flatten() is module 3
 * ```
 */
export function torchParameters(architecture: Architecture): TorchParameter[] {
  const { input, layers } = architecture;
  const shapes = shapesOf(input, layers);
  const found: TorchParameter[] = [];
  torchModules(architecture).forEach((module, index) => {
    const layer = layers[module.layer];
    const before = module.layer === 0 ? input : shapes[module.layer - 1];
    const name = (what: string) => `${index}.${what}`;
    if (layer.type === "conv" && module.text.startsWith("nn.Conv2d")) {
      found.push({
        parameter: found.length,
        layer: `${formatLayers([layer])} on ${describeShape(before)}`,
        weight: {
          name: name("weight"),
          shape: [layer.filters, before.channels, layer.size, layer.size],
        },
        bias: { name: name("bias"), shape: [layer.filters] },
      });
    } else if (layer.type === "batchnorm") {
      const C = [before.channels];
      found.push({
        parameter: found.length,
        layer: `batchnorm on ${describeShape(before)}`,
        weight: { name: name("weight"), shape: C },
        bias: { name: name("bias"), shape: C },
        statistics: {
          mean: { name: name("running_mean"), shape: C },
          variance: { name: name("running_var"), shape: C },
        },
      });
    } else if (layer.type === "dense" && module.text.startsWith("nn.Linear")) {
      found.push({
        parameter: found.length,
        layer: `${formatLayers([layer])} on ${sizeOf(before)} inputs`,
        weight: { name: name("weight"), shape: [layer.units, sizeOf(before)] },
        bias: { name: name("bias"), shape: [layer.units] },
      });
    }
  });
  return found;
}

/**
 * In × out (the project's dense layout) to out × in (PyTorch's), or back with the sizes swapped.
 *
 * @param rows the rows of `values`
 * @param cols its columns
 * @returns a new cols × rows array
 */
export function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  }
  return out;
}

/**
 * A network's parameters as PyTorch's state_dict holds them: names, shapes and layouts.
 *
 * @returns the tensors, in the network's order
 */
export function torchStateDict(network: Network): NamedTensor[] {
  return torchParameters(architectureOf(network)).flatMap((place) => {
    const { parameter, weight, bias, statistics } = place;
    const w = network.weights[parameter], b = network.biases[parameter];
    const data = weight.shape.length === 2 ? transpose(w.data, w.rows, w.cols) : w.data.slice();
    if (statistics) {
      const C = bias.shape[0];
      return [
        { name: weight.name, shape: weight.shape, data },
        { name: bias.name, shape: bias.shape, data: b.slice(0, C) },
        { name: statistics.mean.name, shape: statistics.mean.shape, data: b.slice(C, 2 * C) },
        { name: statistics.variance.name, shape: statistics.variance.shape, data: b.slice(2 * C) },
      ];
    }
    return [
      { name: weight.name, shape: weight.shape, data },
      { name: bias.name, shape: bias.shape, data: b.slice() },
    ];
  });
}
