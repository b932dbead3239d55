/**
 * Batch normalisation (Ioffe and Szegedy 2015): each channel (a dense layer's unit, a
 * convolution's feature map) is normalised over the batch — and over the positions of a map — to
 * mean 0 and variance 1, then scaled and shifted by learned γ and β. A layer after it then sees
 * inputs whose scale does not drift while the layers before it learn, which tolerates larger
 * learning rates.
 *
 * While training, with M = batch rows × positions per channel:
 *
 *     μ = (1/M) Σ x        σ² = (1/M) Σ (x − μ)²        x̂ = (x − μ) / √(σ² + ε)        y = γ x̂ + β
 *
 *     dL/dβ = Σ dL/dy      dL/dγ = Σ dL/dy · x̂
 *     dL/dx = γ / (M √(σ² + ε)) · (M dL/dy − dL/dβ − x̂ · dL/dγ)
 *
 * and running averages of μ and of the unbiased variance, m·(new) + (1 − m)·(old) with m = 0.1,
 * stand in for the batch's at test time, when one example has no batch to be normalised over.
 *
 * Shapes: x, y are N × (C·H·W) (channels first, as every layer here); γ, β, μ, σ² have C entries.
 * The network keeps γ as the layer's 1 × C weights and, in its biases array of 3C, β followed by
 * the running mean and variance: saved, loaded and copied with the other parameters, but only γ
 * and β are parameters the optimizer moves.
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import type { Parameter, Shape } from "../network.ts";
import { type Layer, resize, type StepContext } from "./layer.ts";

/** ε, added to the variance so that a constant channel does not divide by zero. */
export const BATCHNORM_EPSILON = 1e-5;

/** m, how much of each batch's statistics the running averages take in. */
export const BATCHNORM_MOMENTUM = 0.1;

/** A batch-normalisation layer over the channels of its input. */
export class BatchNorm implements Layer {
  readonly outShape: Shape;
  readonly parameters: Parameter[];
  readonly #gamma: Float32Array;
  readonly #beta: Float32Array;
  readonly #runningMean: Float32Array;
  readonly #runningVariance: Float32Array;
  /** Per channel, from the last training batch: 1 / √(σ² + ε). */
  #inverseStd: Float64Array;
  #normalised = new Float32Array(0);
  #trained = false;
  #y?: Matrix;
  #dx?: Matrix;

  /**
   * @param gamma γ, C entries (the network's weights for this layer)
   * @param state β, then the running mean, then the running variance: 3C entries (its biases)
   * @param name the layer's number among the layers with parameters, for the parameters' names
   */
  constructor(readonly inShape: Shape, gamma: Float32Array, state: Float32Array, name = "") {
    const C = inShape.channels;
    this.outShape = inShape;
    this.#gamma = gamma;
    this.#beta = state.subarray(0, C);
    this.#runningMean = state.subarray(C, 2 * C);
    this.#runningVariance = state.subarray(2 * C, 3 * C);
    this.#inverseStd = new Float64Array(C);
    this.parameters = [
      { name: `W${name}`, value: gamma, gradient: new Float32Array(C), decay: false },
      { name: `b${name}`, value: this.#beta, gradient: new Float32Array(C), decay: false },
    ];
  }

  forward(x: Matrix, training?: StepContext): Matrix {
    const C = this.inShape.channels, S = this.inShape.height * this.inShape.width;
    const N = x.rows, M = N * S, X = x.data;
    const y = this.#y = resize(this.#y, N, x.cols), Y = y.data;
    this.#trained = training !== undefined;
    if (!this.#trained) {
      for (let c = 0; c < C; c++) {
        const scale = this.#gamma[c] / Math.sqrt(this.#runningVariance[c] + BATCHNORM_EPSILON);
        const mean = this.#runningMean[c], shift = this.#beta[c];
        for (let n = 0; n < N; n++) {
          for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
            Y[i] = (X[i] - mean) * scale + shift;
          }
        }
      }
      return y;
    }
    if (this.#normalised.length < N * x.cols) this.#normalised = new Float32Array(N * x.cols);
    const H = this.#normalised;
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) sum += X[i];
      }
      const mean = sum / M;
      let squares = 0;
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) squares += (X[i] - mean) ** 2;
      }
      const variance = squares / M, inverse = 1 / Math.sqrt(variance + BATCHNORM_EPSILON);
      this.#inverseStd[c] = inverse;
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
          H[i] = (X[i] - mean) * inverse;
          Y[i] = this.#gamma[c] * H[i] + this.#beta[c];
        }
      }
      const m = BATCHNORM_MOMENTUM;
      this.#runningMean[c] = (1 - m) * this.#runningMean[c] + m * mean;
      const unbiased = M > 1 ? squares / (M - 1) : variance;
      this.#runningVariance[c] = (1 - m) * this.#runningVariance[c] + m * unbiased;
    }
    return y;
  }

  backward(dy: Matrix): Matrix {
    if (!this.#trained) {
      throw new Error(
        "Cannot run batchnorm backward: the last forward pass was not a training one",
      );
    }
    const C = this.inShape.channels, S = this.inShape.height * this.inShape.width;
    const N = dy.rows, M = N * S, D = dy.data, H = this.#normalised;
    const dx = this.#dx = resize(this.#dx, N, dy.cols), DX = dx.data;
    const [dGamma, dBeta] = this.parameters.map((p) => p.gradient);
    for (let c = 0; c < C; c++) {
      let sumDy = 0, sumDyH = 0;
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
          sumDy += D[i];
          sumDyH += D[i] * H[i];
        }
      }
      dBeta[c] = sumDy;
      dGamma[c] = sumDyH;
      const scale = this.#gamma[c] * this.#inverseStd[c] / M;
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
          DX[i] = scale * (M * D[i] - sumDy - H[i] * sumDyH);
        }
      }
    }
    return dx;
  }
}
