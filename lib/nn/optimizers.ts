/**
 * The update rules: given every parameter θ with its gradient ∇ = ∂L/∂θ and a learning rate η,
 * move θ downhill. Each rule keeps what it needs between steps (a velocity) in the optimizer.
 *
 * Weight decay λ adds the gradient of the L2 penalty (λ/2)‖W‖² to the weights' gradients,
 * ∇ ← ∇ + λW, which keeps the weights small so the network generalises instead of memorising.
 * Biases are not decayed.
 *
 * @module
 */

import type { Parameter } from "./model.ts";

/** The update rules by name. */
export const OPTIMIZERS = ["sgd", "momentum"] as const;

/** One of {@linkcode OPTIMIZERS}. */
export type OptimizerName = typeof OPTIMIZERS[number];

/** What an optimizer is made from. */
export interface OptimizerSettings {
  optimizer: OptimizerName;
  /** μ, used by `"momentum"`. */
  momentum: number;
  /** λ of L2 weight decay; 0 for none. */
  weightDecay: number;
}

/** An update rule with its state. */
export interface Optimizer {
  readonly name: OptimizerName;
  /** Updates every parameter in place from its gradient. */
  step(parameters: Parameter[], learningRate: number): void;
}

/**
 * Plain gradient descent: θ ← θ − η(∇ + λθ).
 *
 * @returns the optimizer
 * @example
 * ```ts
 * import { sgd } from "./optimizers.ts";
 * const value = new Float32Array([1]), gradient = new Float32Array([0.5]);
 * sgd().step([{ name: "W1", value, gradient, decay: true }], 0.1);
 * value[0]; // 1 − 0.1 × 0.5 = 0.95
 * ```
 */
export function sgd(weightDecay = 0): Optimizer {
  return {
    name: "sgd",
    step(parameters, learningRate) {
      for (const { value, gradient, decay } of parameters) {
        const lambda = decay ? weightDecay : 0;
        for (let i = 0; i < value.length; i++) {
          value[i] -= learningRate * (gradient[i] + lambda * value[i]);
        }
      }
    },
  };
}

/**
 * Classical momentum (Polyak, 1964): a velocity remembers past steps, so the descent speeds up
 * along directions the gradients agree on and damps those where they alternate.
 * v ← μv − η(∇ + λθ); θ ← θ + v.
 *
 * @returns the optimizer
 * @example
 * ```ts
 * import { momentum } from "./optimizers.ts";
 * const value = new Float32Array([1]), gradient = new Float32Array([1]);
 * const optimizer = momentum(0.9);
 * optimizer.step([{ name: "W1", value, gradient, decay: true }], 0.1); // v = −0.1
 * optimizer.step([{ name: "W1", value, gradient, decay: true }], 0.1); // v = −0.19
 * value[0]; // 1 − 0.1 − 0.19 = 0.71
 * ```
 */
export function momentum(mu: number, weightDecay = 0): Optimizer {
  const velocities = new Map<Float32Array, Float32Array>();
  return {
    name: "momentum",
    step(parameters, learningRate) {
      for (const { value, gradient, decay } of parameters) {
        let velocity = velocities.get(value);
        if (!velocity) velocities.set(value, velocity = new Float32Array(value.length));
        const lambda = decay ? weightDecay : 0;
        for (let i = 0; i < value.length; i++) {
          velocity[i] = mu * velocity[i] - learningRate * (gradient[i] + lambda * value[i]);
          value[i] += velocity[i];
        }
      }
    },
  };
}

/**
 * The optimizer that settings name.
 *
 * @returns a new optimizer with fresh state
 */
export function createOptimizer(settings: OptimizerSettings): Optimizer {
  switch (settings.optimizer) {
    case "sgd":
      return sgd(settings.weightDecay);
    case "momentum":
      return momentum(settings.momentum, settings.weightDecay);
    default:
      throw new RangeError(
        `Cannot create an optimizer: expected one of ${OPTIMIZERS.join(", ")}, found ${
          JSON.stringify(settings.optimizer)
        }`,
      );
  }
}
