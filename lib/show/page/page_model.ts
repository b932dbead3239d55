/**
 * A trained network as a web page runs it: the network's layers and weights in one plain object
 * (weights as base64 Float32, little-endian), and a forward pass written without imports, so that
 * its source can be put in the page as it is (`pageForward.toString()`). It is a second,
 * independent implementation of the library's forward pass; the tests check that the two agree.
 *
 * @module
 */

import type { Network } from "../../nn/network.ts";

/** One layer as the page reads it; `parameters` indexes `weights` and `biases`. */
export type PageLayer =
  | { type: "conv"; filters: number; size: number; padding: number; parameters: number }
  | { type: "maxpool"; size: number }
  | { type: "dense"; units: number; parameters: number }
  | { type: "batchnorm"; parameters: number }
  | { type: "activation"; activation: string }
  | { type: "flatten" | "dropout" };

/** A network for the page: its input shape, its layers, its parameters in base64. */
export interface PageModel {
  input: { channels: number; height: number; width: number };
  layers: PageLayer[];
  weights: string[];
  biases: string[];
}

const base64 = (values: Float32Array) =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength).toBase64();

/**
 * The page's description of a network: an MLP becomes dense and activation layers; a sequential
 * network keeps its layers (a convolution's weights as filters × channels × k × k, as the library
 * keeps them).
 *
 * @returns the model, ready for `JSON.stringify`
 * @throws TypeError naming a layer the page's forward pass does not know
 */
export function pageModel(network: Network): PageModel {
  let next = 0;
  const layers: PageLayer[] = network.kind === "sequential"
    ? network.layers.map((layer): PageLayer => {
      switch (layer.type) {
        case "conv":
          return { ...layer, parameters: next++ };
        case "dense":
          return { ...layer, parameters: next++ };
        case "batchnorm":
          return { type: "batchnorm", parameters: next++ };
        case "activation":
          return layer;
        case "maxpool":
          return layer;
        case "flatten":
        case "dropout":
          return { type: layer.type };
        default:
          throw new TypeError(
            `Cannot put the network on the page: its forward pass does not know layer "${
              (layer as { type: string }).type
            }"`,
          );
      }
    })
    : network.weights.flatMap((w, l): PageLayer[] => [
      { type: "dense", units: w.cols, parameters: l },
      ...(l < network.weights.length - 1
        ? [{ type: "activation", activation: network.hidden } as PageLayer]
        : []),
    ]);
  return {
    // Only the three numbers: nothing else a network object may carry reaches the page.
    input: network.kind === "sequential"
      ? {
        channels: network.input.channels,
        height: network.input.height,
        width: network.input.width,
      }
      : { channels: 1, height: 28, width: 28 },
    layers,
    weights: network.weights.map((w) => base64(w.data)),
    biases: network.biases.map(base64),
  };
}

/**
 * A committee's forward pass on the page: the mean of its members' probabilities, and the first
 * member's first hidden layer. Self-contained but for {@linkcode pageForward}, which the page has
 * beside it.
 *
 * @returns the probabilities and the first member's first hidden layer
 */
export function pageCommitteeForward(
  models: PageModel[],
  pixels: Float32Array,
): { probabilities: Float32Array; firstHidden: Float32Array } {
  const results = models.map((model) => pageForward(model, pixels));
  const probabilities = new Float32Array(results[0].probabilities.length);
  for (const result of results) {
    for (let c = 0; c < probabilities.length; c++) {
      probabilities[c] += result.probabilities[c] / results.length;
    }
  }
  return { probabilities, firstHidden: results[0].firstHidden };
}

/**
 * The forward pass of a {@linkcode PageModel} for one image, self-contained for the page: the
 * probabilities, and the output of the first layer after its activation (an MLP's first hidden
 * units).
 *
 * @param model the model (its base64 parameters are decoded once and kept on it)
 * @param pixels the input, channels × height × width values
 * @returns the probabilities and the first hidden layer's values
 */
export function pageForward(
  model: PageModel & { decoded?: { weights: Float32Array[]; biases: Float32Array[] } },
  pixels: Float32Array,
): { probabilities: Float32Array; firstHidden: Float32Array } {
  const decode = (text: string) => {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    return new Float32Array(bytes.buffer);
  };
  model.decoded ??= { weights: model.weights.map(decode), biases: model.biases.map(decode) };
  const { weights, biases } = model.decoded;
  let x = pixels,
    channels = model.input.channels,
    height = model.input.height,
    width = model.input.width;
  let firstHidden: Float32Array | undefined;
  const fns: Record<string, (v: number) => number> = {
    sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    relu: (v) => (v > 0 ? v : 0),
    tanh: (v) => Math.tanh(v),
    silu: (v) => v / (1 + Math.exp(-v)),
  };
  for (const layer of model.layers) {
    if (layer.type === "conv") {
      const w = weights[layer.parameters], b = biases[layer.parameters];
      const k = layer.size, p = layer.padding, F = layer.filters;
      const outH = height + 2 * p - k + 1, outW = width + 2 * p - k + 1;
      const y = new Float32Array(F * outH * outW);
      for (let f = 0; f < F; f++) {
        for (let i = 0; i < outH; i++) {
          for (let j = 0; j < outW; j++) {
            let sum = b[f];
            for (let c = 0; c < channels; c++) {
              for (let u = 0; u < k; u++) {
                const row = i + u - p;
                if (row < 0 || row >= height) continue;
                for (let v = 0; v < k; v++) {
                  const col = j + v - p;
                  if (col < 0 || col >= width) continue;
                  sum += w[((f * channels + c) * k + u) * k + v] *
                    x[(c * height + row) * width + col];
                }
              }
            }
            y[(f * outH + i) * outW + j] = sum;
          }
        }
      }
      [x, channels, height, width] = [y, F, outH, outW];
    } else if (layer.type === "maxpool") {
      const s = layer.size, outH = Math.floor(height / s), outW = Math.floor(width / s);
      const y = new Float32Array(channels * outH * outW);
      for (let c = 0; c < channels; c++) {
        for (let i = 0; i < outH; i++) {
          for (let j = 0; j < outW; j++) {
            let best = -Infinity;
            for (let u = 0; u < s; u++) {
              for (let v = 0; v < s; v++) {
                best = Math.max(best, x[(c * height + s * i + u) * width + s * j + v]);
              }
            }
            y[(c * outH + i) * outW + j] = best;
          }
        }
      }
      [x, height, width] = [y, outH, outW];
    } else if (layer.type === "dense") {
      const w = weights[layer.parameters], b = biases[layer.parameters], n = x.length;
      const y = Float32Array.from(b);
      for (let i = 0; i < n; i++) {
        const xi = x[i];
        if (xi === 0) continue;
        for (let o = 0; o < layer.units; o++) y[o] += xi * w[i * layer.units + o];
      }
      [x, channels, height, width] = [y, layer.units, 1, 1];
    } else if (layer.type === "batchnorm") {
      // At test time: y = γ (x − running mean) / √(running variance + ε) + β, channel by channel;
      // the biases hold β, the running mean and the running variance.
      const gamma = weights[layer.parameters], state = biases[layer.parameters];
      const y = new Float32Array(x.length), spatial = height * width;
      for (let c = 0; c < channels; c++) {
        const scale = gamma[c] / Math.sqrt(state[2 * channels + c] + 1e-5);
        for (let i = c * spatial; i < (c + 1) * spatial; i++) {
          y[i] = (x[i] - state[channels + c]) * scale + state[c];
        }
      }
      x = y;
    } else if (layer.type === "activation") {
      x = x.map(fns[layer.activation]);
      firstHidden ??= x;
    }
  }
  const top = Math.max(...x);
  const e = x.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return { probabilities: e.map((v) => v / sum), firstHidden: firstHidden ?? x };
}
