/**
 * What an engine is: who does the arithmetic of training and classifying. Every engine runs the
 * same mathematics; the fast ones are tested against the reference. An engine may fuse the
 * forward pass, the backward pass and the update for speed: the training loop only asks it for a
 * session that takes one step at a time.
 *
 * @module
 */

import type { Matrix } from "../nn/matrix.ts";
import type { OptimizerSettings } from "../nn/optimizers.ts";
import type { Network } from "../nn/network.ts";

/**
 * The engines by name: `native` is the C kernels compiled for this machine, `wasm` the same C in
 * WebAssembly, `reference` the TypeScript students read; `auto` picks the best one here.
 */
export const ENGINE_NAMES = ["auto", "native", "wasm", "reference"] as const;

/** One of {@linkcode ENGINE_NAMES}. */
export type EngineName = typeof ENGINE_NAMES[number];

/** What a training session is opened with. */
export interface SessionRequest {
  /** Where training starts (copied: the session trains a working copy). */
  network: Network;
  /** The training images, one per row; a step names its rows by index. */
  images: Matrix;
  /** The most rows in a batch. */
  batchSize: number;
  optimizer: OptimizerSettings;
  /** Dropout rates: [0] the inputs', then one per hidden layer (none when missing). */
  dropout?: number[];
  /** The seed of the dropout masks. */
  seed?: number;
  /** ε of label smoothing (`smoothedCrossEntropy` in lib/nn/loss.ts); 0 or missing for none. */
  labelSmoothing?: number;
  /** c of max-norm (`applyMaxNorm` in lib/nn/max_norm.ts), after every step; 0 or missing for none. */
  maxNorm?: number;
  /** Threads, where the engine has them. */
  threads?: number;
}

/**
 * Training in progress on a working copy of a network. The caller's network is not touched until
 * `store`, so a run that stops mid-epoch can keep its last completed epoch.
 */
export interface TrainingSession {
  /**
   * One step on the training rows `indices`, or on the rows of `x` when given (augmented copies
   * of those rows); returns the batch's softmax output before the step.
   */
  step(indices: Uint32Array, labels: Uint8Array, learningRate: number, x?: Matrix): Matrix;
  /** Copies the working parameters into `network`. */
  store(network: Network): void;
  /** The softmax outputs for `images` with the working parameters. */
  predict(images: Matrix): Matrix;
  /** Releases threads; the session cannot be used afterwards. */
  close(): void;
}

/** An engine. */
export interface Engine {
  readonly name: Exclude<EngineName, "auto">;
  /** What runs, in words: "WebAssembly SIMD (lib/engines/c/) on 2 threads". */
  describe(threads?: number): string;
  /** Why this engine cannot run `request` (a layer, an optimizer it lacks), or undefined. */
  unsupported(
    request: Pick<SessionRequest, "network" | "optimizer" | "dropout">,
  ): string | undefined;
  /** Opens a training session. */
  train(request: SessionRequest): Promise<TrainingSession>;
  /** The softmax outputs of `network` for every row of `images`. */
  classify(network: Network, images: Matrix, threads?: number): Promise<Matrix>;
}
