/**
 * Training several variants of a network one after another, the same data and seed for each, for
 * side-by-side experiments: grids of optimizers, activations and learning rates. A run that
 * diverges is recorded as diverged instead of ending the experiment.
 *
 * @module
 */

import type { Examples } from "../data/preprocess.ts";
import type { ActivationName } from "../nn/activations.ts";
import { defaultInit, type InitName } from "../nn/init.ts";
import { createNetwork, type NetworkOptions } from "../nn/mlp.ts";
import { createSequential, type SequentialOptions } from "../nn/sequential.ts";
import type { OptimizerName } from "../nn/optimizers.ts";
import { TrainingDiverged } from "./divergence.ts";
import { train, type TrainOptions } from "./loop.ts";
import type { EpochRecord, TrainingSettings } from "./records.ts";
import type { Network } from "../nn/network.ts";

/** One way to train: the network it starts from, and the training settings it changes. */
export interface Variant {
  /** What its curves and rows are shown as. */
  name: string;
  /**
   * The network it starts from, created afresh (and seeded) for the run: an MLP's options, or a
   * sequential network's (those list `layers`).
   */
  network: NetworkOptions | SequentialOptions;
  /** The training settings it changes; the others come from the experiment's options. */
  training?: Partial<TrainingSettings>;
}

/** One variant, trained. */
export interface VariantRun {
  name: string;
  variant: Variant;
  /** The trained network (with a diverged run: its last good epoch). */
  network: Network;
  /** One record per completed epoch. */
  history: EpochRecord[];
  /** Seconds the run took. */
  seconds: number;
  /** Why the run diverged, the `TrainingDiverged` message; undefined when it did not. */
  diverged?: string;
  /** True when the abort signal stopped it before its last epoch. */
  stopped: boolean;
  /** What the engine said it could not run, and what ran instead (e.g. SiLU on the reference engine). */
  notice?: string;
}

/** What `trainVariants` takes: the common training options, and a call as each run starts and ends. */
export interface VariantOptions extends TrainOptions {
  /** Called before variant `index` starts training. */
  onRunStart?: (variant: Variant, index: number) => void | Promise<void>;
  /** Called after variant `index` has trained (or diverged). */
  onRunEnd?: (run: VariantRun, index: number) => void | Promise<void>;
}

/**
 * Trains every variant on the same data, in turn: a fresh network from `variant.network`, trained
 * with `options` overridden by `variant.training`. A run that diverges is kept, with `diverged`
 * saying why; the abort signal stops the run in progress and skips the rest.
 *
 * @param variants the ways to train
 * @param data the training rows
 * @param options the training options every variant shares (`validation` is scored each epoch)
 * @returns one run per variant started, in order
 * @example
 * ```ts
 * import { fromRows, trainVariants } from "../mod.ts";
 * const data = { images: fromRows([[0, 1], [1, 0]]), labels: new Uint8Array([0, 1]) };
 * const runs = await trainVariants([
 *   { name: "η 0.1", network: { sizes: [2, 4, 2] }, training: { learningRate: 0.1 } },
 *   { name: "η 1000", network: { sizes: [2, 4, 2] }, training: { learningRate: 1000 } },
 * ], data, { epochs: 3, batchSize: 2, engine: "reference" });
 * runs.map((run) => run.history.length); // [3, …]: the second may diverge
 * ```
 */
export async function trainVariants(
  variants: Variant[],
  data: Examples,
  options: VariantOptions = {},
): Promise<VariantRun[]> {
  const { onRunStart, onRunEnd, ...common } = options;
  const runs: VariantRun[] = [];
  for (const [index, variant] of variants.entries()) {
    if (common.signal?.aborted) break;
    await onRunStart?.(variant, index);
    const network = createVariantNetwork(variant.network);
    const started = performance.now();
    const run: VariantRun = {
      name: variant.name,
      variant,
      network,
      history: [],
      seconds: 0,
      stopped: false,
    };
    try {
      const result = await train(network, data, {
        ...common,
        ...variant.training,
        onNotice: (line) => {
          run.notice = line;
          common.onNotice?.(line);
        },
      });
      run.history = result.history;
      run.stopped = result.stopped;
    } catch (error) {
      if (!(error instanceof TrainingDiverged)) throw error;
      run.history = error.history;
      run.diverged = error.message;
    }
    run.seconds = (performance.now() - started) / 1000;
    runs.push(run);
    await onRunEnd?.(run, index);
    if (run.stopped) break;
  }
  return runs;
}

/**
 * A variant's network, created from its options: a sequential network where they list `layers`,
 * the MLP otherwise.
 *
 * @returns the new network
 */
export function createVariantNetwork(options: NetworkOptions | SequentialOptions): Network {
  return "layers" in options ? createSequential(options) : createNetwork(options);
}

/** An optimizer to compare, with its own learning rate and any setting it needs (μ, β, λ, …). */
export type OptimizerChoice = Partial<TrainingSettings> & {
  optimizer: OptimizerName;
  learningRate: number;
};

/**
 * A short name for an optimizer and its settings: "momentum η 0.05 μ 0.9", "adamw η 0.001 λ 0.01".
 *
 * @returns the name
 * @example
 * ```ts
 * import { optimizerLabel } from "./variants.ts";
 * optimizerLabel({ optimizer: "adam", learningRate: 0.001 }); // "adam η 0.001"
 * ```
 */
export function optimizerLabel(choice: OptimizerChoice): string {
  const parts = [choice.optimizer, `η ${choice.learningRate}`];
  if (choice.momentum !== undefined && /momentum|nesterov/.test(choice.optimizer)) {
    parts.push(`μ ${choice.momentum}`);
  }
  if (choice.weightDecay) parts.push(`λ ${choice.weightDecay}`);
  return parts.join(" ");
}

/**
 * One variant per optimizer, all starting from the same network.
 *
 * @param choices the optimizers, each with its learning rate and settings
 * @param network the network every variant starts from
 * @returns the variants, named by {@linkcode optimizerLabel}
 * @example
 * ```ts
 * import { optimizerVariants } from "./variants.ts";
 * const choices = [{ optimizer: "sgd", learningRate: 0.5 }, { optimizer: "adam", learningRate: 0.001 }] as const;
 * optimizerVariants([...choices], { sizes: [784, 128, 64, 10] }).map((v) => v.name); // ["sgd η 0.5", "adam η 0.001"]
 * ```
 */
export function optimizerVariants(choices: OptimizerChoice[], network: NetworkOptions): Variant[] {
  return choices.map((choice) => ({ name: optimizerLabel(choice), network, training: choice }));
}

/**
 * One variant per hidden activation, the rest of the network the same. With `init` "auto" (the
 * default) each activation gets the initialisation that suits it: Glorot's range for the sigmoid
 * and tanh, He's for ReLU and SiLU.
 *
 * @param activations the hidden activations to compare
 * @param network the network's other options (`sizes`, `seed`), and `init`
 * @returns the variants, named "relu (he-normal)", for instance
 * @example
 * ```ts
 * import { activationVariants } from "./variants.ts";
 * activationVariants(["sigmoid", "relu"], { sizes: [784, 64, 64, 10] }).map((v) => v.name); // ["sigmoid (uniform)", "relu (he-normal)"]
 * ```
 */
export function activationVariants(
  activations: ActivationName[],
  network: Omit<NetworkOptions, "hidden" | "init"> & { init?: InitName | "auto" },
): Variant[] {
  return activations.map((hidden) => {
    const init = !network.init || network.init === "auto" ? defaultInit(hidden) : network.init;
    return { name: `${hidden} (${init})`, network: { ...network, hidden, init } };
  });
}

/**
 * One variant per learning rate, the same network and training otherwise: a learning-rate sweep.
 *
 * @param rates the learning rates η to try
 * @param network the network every variant starts from
 * @param training settings every variant shares (such as the optimizer)
 * @returns the variants, named "η = 0.1", for instance
 * @example
 * ```ts
 * import { learningRateVariants } from "./variants.ts";
 * learningRateVariants([0.01, 0.1], { sizes: [784, 10] }).map((v) => v.name); // ["η = 0.01", "η = 0.1"]
 * ```
 */
export function learningRateVariants(
  rates: number[],
  network: NetworkOptions | SequentialOptions,
  training: Partial<TrainingSettings> = {},
): Variant[] {
  return rates.map((learningRate) => ({
    name: `η = ${learningRate}`,
    network,
    training: { ...training, learningRate },
  }));
}
