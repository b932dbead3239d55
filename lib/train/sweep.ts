/**
 * Experiments: the same data trained several ways, one fresh network per variant, each seeded, so
 * that only what the variant changes differs. A variant names the network it starts from and the
 * training settings it changes; a run that diverges is recorded as diverged (with the epochs it
 * completed) instead of ending the experiment. Helpers build the usual grids: one variant per
 * optimizer, per hidden activation, or per learning rate (a learning-rate sweep).
 *
 * @module
 */

import type { Examples } from "../data/preprocess.ts";
import type { NetworkOptions } from "../nn/mlp.ts";
import { isSequential, type MlpNetwork, type Network } from "../nn/network.ts";
import type { SequentialOptions } from "../nn/sequential.ts";
import { type NetworkProfile, profileNetwork } from "../nn/layer_statistics.ts";
import {
  createVariantNetwork,
  learningRateVariants,
  trainVariants,
  type Variant,
  type VariantOptions,
  type VariantRun,
} from "./variants.ts";

/** One learning rate of a sweep, and where its run ended. */
export interface SweepPoint {
  learningRate: number;
  /** The mean training loss of the last completed epoch (undefined when none completed). */
  loss?: number;
  /** The held-out loss and accuracy of the last completed epoch, when the run had validation rows. */
  validationLoss?: number;
  validationAccuracy?: number;
  /** True when the run diverged: its loss turned non-finite or exploded. */
  diverged: boolean;
  /** Epochs completed. */
  epochs: number;
}

/**
 * Where each run of a learning-rate sweep ended, sorted by learning rate.
 *
 * @param runs from {@linkcode trainVariants} on {@linkcode learningRateVariants}
 * @returns one point per run
 * @example
 * ```ts
 * import { sweepPoints } from "./sweep.ts";
 * const run = { name: "η = 1", variant: { name: "η = 1", network: {}, training: { learningRate: 1 } }, history: [], seconds: 0, stopped: false, diverged: "at epoch 1" };
 * sweepPoints([run as never]); // [{ learningRate: 1, diverged: true, epochs: 0, … }]
 * ```
 */
export function sweepPoints(runs: VariantRun[]): SweepPoint[] {
  return runs.map((run) => {
    const learningRate = run.variant.training?.learningRate;
    if (learningRate === undefined) {
      throw new RangeError(
        `Cannot read a learning-rate sweep: run "${run.name}" sets no learningRate`,
      );
    }
    const last = run.history.at(-1);
    return {
      learningRate,
      loss: last?.loss,
      validationLoss: last?.validationLoss,
      validationAccuracy: last?.validationAccuracy,
      diverged: run.diverged !== undefined,
      epochs: run.history.length,
    };
  }).sort((a, b) => a.learningRate - b.learningRate);
}

/**
 * A learning-rate sweep in one call: trains the same network once per rate and reports where each
 * run ended. Runs that diverge are marked, not thrown.
 *
 * @param network the network every run starts from
 * @param data the training rows
 * @param rates the learning rates η to try
 * @param options the training options every run shares (`validation` for held-out losses)
 * @returns one point per rate, sorted by rate
 * @example
 * ```ts
 * import { fromRows, learningRateSweep } from "../mod.ts";
 * const data = { images: fromRows([[0, 1], [1, 0]]), labels: new Uint8Array([0, 1]) };
 * const points = await learningRateSweep({ sizes: [2, 4, 2] }, data, [0.1, 1], { epochs: 2, engine: "reference" });
 * points.map((p) => p.learningRate); // [0.1, 1]
 * ```
 */
export async function learningRateSweep(
  network: NetworkOptions | SequentialOptions,
  data: Examples,
  rates: number[],
  options: VariantOptions = {},
): Promise<SweepPoint[]> {
  return sweepPoints(await trainVariants(learningRateVariants(rates, network), data, options));
}

/**
 * The rate of a sweep that ended best: the lowest held-out loss after its last epoch (the lowest
 * training loss where there are no held-out rows), among the runs that did not diverge.
 *
 * @param points from {@linkcode sweepPoints}
 * @returns that point, or undefined when every run diverged
 * @example
 * ```ts
 * import { bestSweepPoint } from "./sweep.ts";
 * bestSweepPoint([
 *   { learningRate: 0.1, loss: 0.9, diverged: false, epochs: 3 },
 *   { learningRate: 1, loss: 0.3, diverged: false, epochs: 3 },
 *   { learningRate: 10, diverged: true, epochs: 0 },
 * ])?.learningRate; // 1
 * ```
 */
export function bestSweepPoint(points: SweepPoint[]): SweepPoint | undefined {
  const score = (p: SweepPoint) => p.validationLoss ?? p.loss;
  return points
    .filter((p) => !p.diverged && Number.isFinite(score(p)))
    .reduce<SweepPoint | undefined>((b, p) => (!b || score(p)! < score(b)! ? p : b), undefined);
}

/**
 * Each variant's untrained network, created from its seed and measured on one batch: the
 * starting point of {@linkcode profileRuns}.
 *
 * @param variants the variants, as from {@linkcode activationVariants}
 * @param batch the images and labels to measure on
 * @returns one profile per variant, named like it
 * @example
 * ```ts
 * import { activationVariants, matrix, profileVariants } from "../mod.ts";
 * const batch = { images: matrix(4, 784), labels: new Uint8Array(4) };
 * profileVariants(activationVariants(["relu"], { sizes: [784, 8, 10] }), batch)[0].name; // "relu (he-normal)"
 * ```
 */
export function profileVariants(variants: Variant[], batch: Examples): NetworkProfile[] {
  return variants.map((v) =>
    profileNetwork(mlpOf(createVariantNetwork(v.network), v.name), batch, v.name)
  );
}

/**
 * Each run's trained network measured on one batch, named like the run.
 *
 * @param runs from {@linkcode trainVariants}
 * @param batch the images and labels to measure on
 * @returns one profile per run
 * @example
 * ```ts
 * import { activationVariants, matrix, profileRuns, trainVariants } from "../mod.ts";
 * const data = { images: matrix(4, 784), labels: new Uint8Array([0, 1, 2, 3]) };
 * const runs = await trainVariants(activationVariants(["tanh"], { sizes: [784, 8, 10] }), data, { epochs: 1 });
 * profileRuns(runs, data)[0].gradientNorms.length; // 2
 * ```
 */
export function profileRuns(runs: VariantRun[], batch: Examples): NetworkProfile[] {
  return runs.map((run) => profileNetwork(mlpOf(run.network, run.name), batch, run.name));
}

/** The profiles measure an MLP's hidden layers: a sequential network is refused by name. */
function mlpOf(network: Network, name: string): MlpNetwork {
  if (isSequential(network)) {
    throw new TypeError(
      `Cannot profile "${name}": profiles measure an MLP's hidden layers, and this network lists layers`,
    );
  }
  return network;
}
