/**
 * A sequential network's architecture as data: the list of its layers, which the model file
 * stores and the `layers` setting writes as text, one layer per word:
 *
 *     conv(32,5) relu maxpool(2) conv(64,5) relu maxpool(2) flatten dense(256) relu dropout(0.5)
 *
 * The output layer, dense(classes), comes after the list, as the MLP's output layer comes after
 * its hidden sizes.
 *
 * @module
 */

import { type ActivationName, ACTIVATIONS } from "../activations.ts";

/** One layer of a sequential network. */
export type LayerSpec =
  /** 2-D convolution: `filters` filters of size × size, stride 1, `padding` zeros each side. */
  | { type: "conv"; filters: number; size: number; padding: number }
  /** Max pooling over size × size windows, stride size. */
  | { type: "maxpool"; size: number }
  /** Channels × height × width to one flat vector (the rows already are: only the shape changes). */
  | { type: "flatten" }
  /** A fully connected layer of `units` outputs. */
  | { type: "dense"; units: number }
  /** An element-wise activation. */
  | { type: "activation"; activation: ActivationName }
  /** Inverted dropout of a share `rate` of the units while training. */
  | { type: "dropout"; rate: number }
  /** Batch normalisation of each channel (or unit), with a learned scale γ and shift β. */
  | { type: "batchnorm" };

/**
 * Whether a layer has parameters of its own (weights and biases in the network's arrays): the
 * convolution, the dense layer and batch normalisation.
 *
 * @returns true for "conv", "dense" and "batchnorm"
 */
export function hasParameters(layer: LayerSpec): boolean {
  return layer.type === "conv" || layer.type === "dense" || layer.type === "batchnorm";
}

/** The most layers a network may list: deeper ones are refused before anything is built. */
export const MAX_LAYER_COUNT = 100;

/** The words of the text form, for error messages. */
const GRAMMAR =
  "conv(filters,size) or conv(filters,size,padding), maxpool(size), flatten, dense(units), " +
  `dropout(rate), batchnorm, or an activation (${ACTIVATIONS.join(", ")})`;

/**
 * Reads the text form of a layer list.
 *
 * @param text layers separated by spaces or commas outside parentheses, e.g. "conv(32,5) relu"
 * @returns the layers
 * @throws RangeError naming the word that is not a layer, and what a layer looks like, or for
 *   more than {@linkcode MAX_LAYER_COUNT} layers
 * @example
 * ```ts
 * import { parseLayers } from "./spec.ts";
 * parseLayers("conv(8,3) relu maxpool(2)").length; // 3
 * ```
 */
export function parseLayers(text: string): LayerSpec[] {
  const words = text.match(/[a-z]+(\([^)]*\))?|[^\s,]+/gi) ?? [];
  if (words.length > MAX_LAYER_COUNT) {
    throw new RangeError(
      `Cannot read the layers: expected at most ${MAX_LAYER_COUNT} layers, found ${words.length}`,
    );
  }
  return words.map((word) => {
    const match = word.match(/^([a-z]+)(?:\(([^)]*)\))?$/i);
    const fail = (why: string): never => {
      throw new RangeError(`Cannot read the layer "${word}": ${why}; expected ${GRAMMAR}`);
    };
    if (!match) return fail("not a layer");
    const name = match[1].toLowerCase();
    const args = match[2] === undefined
      ? []
      : match[2].split(",").map((a) => a.trim()).filter((a) => a !== "").map(Number);
    const count = (min: number, max = min) => {
      if (args.length < min || args.length > max || args.some((a) => !Number.isFinite(a))) {
        fail(
          `${name} takes ${min === max ? min : `${min} or ${max}`} number${max === 1 ? "" : "s"}`,
        );
      }
    };
    const positive = (value: number, what: string) => {
      if (!Number.isInteger(value) || value < 1) {
        fail(`${what} must be a positive integer, found ${value}`);
      }
      return value;
    };
    switch (name) {
      case "conv": {
        count(2, 3);
        const size = positive(args[1], "the filter size");
        const padding = args[2] ?? Math.floor(size / 2);
        if (!Number.isInteger(padding) || padding < 0 || padding >= size) {
          fail(`the padding must be an integer from 0 to ${size - 1}, found ${padding}`);
        }
        return { type: "conv", filters: positive(args[0], "the number of filters"), size, padding };
      }
      case "maxpool":
        count(1);
        return { type: "maxpool", size: positive(args[0], "the pooling size") };
      case "flatten":
        count(0);
        return { type: "flatten" };
      case "dense":
        count(1);
        return { type: "dense", units: positive(args[0], "the number of units") };
      case "batchnorm":
        count(0);
        return { type: "batchnorm" };
      case "dropout":
        count(1);
        if (!(args[0] >= 0 && args[0] < 1)) fail(`the rate must be in [0, 1), found ${args[0]}`);
        return { type: "dropout", rate: args[0] };
      default:
        if ((ACTIVATIONS as readonly string[]).includes(name)) {
          count(0);
          return { type: "activation", activation: name as ActivationName };
        }
        return fail("unknown layer");
    }
  });
}

/**
 * The text form of a layer list, which {@linkcode parseLayers} reads back.
 *
 * @returns e.g. "conv(32,5) relu maxpool(2)"
 */
export function formatLayers(layers: LayerSpec[]): string {
  return layers.map((layer) => {
    switch (layer.type) {
      case "conv":
        return layer.padding === Math.floor(layer.size / 2)
          ? `conv(${layer.filters},${layer.size})`
          : `conv(${layer.filters},${layer.size},${layer.padding})`;
      case "maxpool":
        return `maxpool(${layer.size})`;
      case "flatten":
        return "flatten";
      case "dense":
        return `dense(${layer.units})`;
      case "activation":
        return layer.activation;
      case "dropout":
        return `dropout(${layer.rate})`;
      case "batchnorm":
        return "batchnorm";
    }
  }).join(" ");
}
