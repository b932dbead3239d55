/**
 * What the kernels read at each step besides the batch: the update rule and its constants, and the
 * dropout masks' rates and seed, written into the network's header (the `Net` struct of
 * `c/net.c`) by name.
 *
 * @module
 */

import { dropThreshold } from "../nn/dropout.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { KERNEL, type NetField } from "./kernel_constants.ts";

/** Views of a network's header fields, by name. */
export interface Header {
  view<T>(kind: new (b: ArrayBufferLike, at: number, n: number) => T, at: number, n: number): T;
  /** A field's byte offset. */
  field(name: NetField): number;
}

/** The update rules' codes (`c/net.c`); plain descent is momentum with μ = 0. */
const RULE_CODES = KERNEL.rule;

/**
 * How one step updates the parameters: the rule (momentum when none is named; μ = 0 is plain
 * descent) and its constants, as `lib/nn/optimizers.ts` defines them.
 */
export interface FusedUpdate {
  learningRate: number;
  momentum: number;
  weightDecay: number;
  optimizer?: OptimizerName;
  beta1?: number;
  beta2?: number;
  rho?: number;
  epsilon?: number;
  /** ε of label smoothing; 0 or missing for none. */
  labelSmoothing?: number;
  /** c of max-norm; 0 or missing for none. */
  maxNorm?: number;
}

/**
 * Writes one step's rule and constants: Adam's bias corrections for step `t`, and `t` as the
 * dropout masks' step.
 *
 * @param secondMoments whether the network has room for RMSProp's and Adam's second moments
 */
export function writeRule(header: Header, update: FusedUpdate, t: number, secondMoments: boolean) {
  const optimizer = update.optimizer ?? "momentum", kind = RULE_CODES[optimizer];
  if (["rmsprop", "adam", "adamw"].includes(optimizer) && !secondMoments) {
    throw new Error(
      `Cannot take a ${update.optimizer} step: the engine was made without second moments`,
    );
  }
  const { beta1 = 0.9, beta2 = 0.999, rho = 0.9, epsilon = 1e-8 } = update;
  header.view(Int32Array, header.field("optimizer"), 1)[0] = kind;
  header.view(Float32Array, header.field("learningRate"), 3)
    .set([update.learningRate, update.momentum, update.weightDecay]);
  header.view(Float32Array, header.field("beta1"), 5)
    .set([beta1, optimizer === "rmsprop" ? rho : beta2, epsilon, 1 - beta1 ** t, 1 - beta2 ** t]);
  header.view(Float32Array, header.field("labelSmoothing"), 2)
    .set([update.labelSmoothing ?? 0, update.maxNorm ?? 0]);
  header.view(Uint32Array, header.field("dropSeed"), 2)[1] = t;
}

/**
 * Writes the dropout of the hidden layers: rates[l] for activation layer l of `layers`, as the
 * threshold below which a unit's hash drops it and the factor a kept unit is scaled by.
 */
export function writeDropout(header: Header, layers: number, rates: number[], seed: number) {
  const thresholds = header.view(Uint32Array, header.field("dropThreshold"), layers);
  const keeps = header.view(Float32Array, header.field("dropKeep"), layers);
  for (let l = 1; l < layers - 1; l++) {
    const rate = rates[l] ?? 0;
    thresholds[l] = dropThreshold(rate);
    keeps[l] = 1 / (1 - rate);
  }
  header.view(Uint32Array, header.field("dropSeed"), 1)[0] = seed;
}
