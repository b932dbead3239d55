/**
 * How a network's first weights are drawn. Biases always start at 0; the weights start small and
 * random, so that units differ and the signal neither dies out nor saturates layer after layer.
 *
 * @module
 */

/** The named initialisations. */
export const INITS = [
  "uniform",
  "normal",
  "xavier-uniform",
  "xavier-normal",
  "he-uniform",
  "he-normal",
] as const;

/** One of {@linkcode INITS}. */
export type InitName = typeof INITS[number];

/**
 * The initialisation that suits an activation: Glorot's range for the sigmoid and tanh, which are
 * steep around 0; He's spread for ReLU and SiLU, which pass only about half of their inputs on.
 *
 * @returns the assignment's "uniform" or "he-normal"
 */
export function defaultInit(activation: string): InitName {
  return activation === "relu" || activation === "silu" ? "he-normal" : "uniform";
}

/** A named initialisation, or an explicit uniform range or normal spread. */
export type InitOption =
  | InitName
  | { kind: "uniform"; low: number; high: number }
  | { kind: "normal"; std: number };

/** The standard deviation of `"normal"`: the reference notebook's 0.01. */
export const DEFAULT_NORMAL_STD = 0.01;

/** The distribution one layer's weights are drawn from. */
export interface InitDistribution {
  distribution: "uniform" | "normal";
  low?: number;
  high?: number;
  std?: number;
}

/**
 * The distribution of a layer's initial weights, for `fanIn` inputs and `fanOut` outputs:
 * - `"uniform"`, the assignment's, and `"xavier-uniform"` (Glorot and Bengio, 2010): U(−r, r)
 *   with r = √(6 / (fanIn + fanOut));
 * - `"normal"`: N(0, std²), std 0.01 (the reference notebook's) unless `std` says otherwise;
 * - `"xavier-normal"`: N(0, 2 / (fanIn + fanOut)), Glorot's spread as a normal;
 * - `"he-uniform"`: U(−r, r) with r = √(6 / fanIn), and `"he-normal"`: N(0, 2 / fanIn) (He et al.,
 *   2015), which keep ReLU layers' outputs from shrinking layer after layer.
 *
 * @returns the distribution and its range (uniform) or standard deviation (normal)
 * @example
 * ```ts
 * import { initDistribution } from "./init.ts";
 * initDistribution("uniform", 784, 128).high; // √(6 / 912) ≈ 0.081
 * ```
 */
export function initDistribution(
  init: InitOption,
  fanIn: number,
  fanOut: number,
  std = DEFAULT_NORMAL_STD,
): InitDistribution {
  if (typeof init === "object") {
    return init.kind === "uniform"
      ? { distribution: "uniform", low: init.low, high: init.high }
      : { distribution: "normal", std: init.std };
  }
  const uniform = (limit: number): InitDistribution => ({
    distribution: "uniform",
    low: -limit,
    high: limit,
  });
  switch (init) {
    case "uniform":
    case "xavier-uniform":
      return uniform(Math.sqrt(6 / (fanIn + fanOut)));
    case "normal":
      return { distribution: "normal", std };
    case "xavier-normal":
      return { distribution: "normal", std: Math.sqrt(2 / (fanIn + fanOut)) };
    case "he-uniform":
      return uniform(Math.sqrt(6 / fanIn));
    case "he-normal":
      return { distribution: "normal", std: Math.sqrt(2 / fanIn) };
  }
}

/**
 * The text of an error when `init` is not an initialisation, or `undefined` when it is one.
 *
 * @returns what was expected and what was found, or undefined
 */
export function initProblem(init: unknown): string | undefined {
  const value = init as { kind?: string; low?: number; high?: number; std?: number };
  const known = typeof init === "string"
    ? (INITS as readonly string[]).includes(init)
    : value?.kind === "uniform"
    ? Number.isFinite(value.low) && Number.isFinite(value.high) && value.low! < value.high!
    : value?.kind === "normal" && Number.isFinite(value.std) && value.std! > 0;
  return known
    ? undefined
    : `expected one of ${
      INITS.join(", ")
    }, { kind: "uniform", low, high } with low < high, or { kind: "normal", std } with std > 0, found ${
      JSON.stringify(init)
    }`;
}
