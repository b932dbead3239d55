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

import type { Parameter } from "./network.ts";

/** The update rules by name. */
export const OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"] as const;

/** One of {@linkcode OPTIMIZERS}. */
export type OptimizerName = typeof OPTIMIZERS[number];

/** What an optimizer is made from. */
export interface OptimizerSettings {
  optimizer: OptimizerName;
  /** μ, used by `"momentum"` and `"nesterov"`. */
  momentum: number;
  /** λ of weight decay; 0 for none. L2 (added to the gradient) except for AdamW (decoupled). */
  weightDecay: number;
  /** β₁ of Adam and AdamW: how much of the mean gradient carries over; default 0.9. */
  beta1?: number;
  /** β₂ of Adam and AdamW: how much of the mean squared gradient carries over; default 0.999. */
  beta2?: number;
  /** ρ of RMSProp: how much of the mean squared gradient carries over; default 0.9. */
  rho?: number;
  /** ε, added to the root of the mean square so a step never divides by zero; default 1e-8. */
  epsilon?: number;
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
  const velocityOf = stateOf();
  return {
    name: "momentum",
    step(parameters, learningRate) {
      for (const { value, gradient, decay } of parameters) {
        const velocity = velocityOf(value);
        const lambda = decay ? weightDecay : 0;
        for (let i = 0; i < value.length; i++) {
          velocity[i] = mu * velocity[i] - learningRate * (gradient[i] + lambda * value[i]);
          value[i] += velocity[i];
        }
      }
    },
  };
}

/** A state array per parameter, made on first use. */
function stateOf(): (value: Float32Array) => Float32Array {
  const states = new Map<Float32Array, Float32Array>();
  return (value) => {
    let state = states.get(value);
    if (!state) states.set(value, state = new Float32Array(value.length));
    return state;
  };
}

/**
 * Nesterov momentum (Sutskever et al., 2013): the step looks ahead along the velocity before it
 * adds the gradient. v ← μv − η(∇ + λθ); θ ← θ + μv − η(∇ + λθ).
 *
 * @returns the optimizer
 * @example
 * ```ts
 * import { nesterov } from "./optimizers.ts";
 * const value = new Float32Array([1]), gradient = new Float32Array([1]);
 * nesterov(0.9).step([{ name: "W1", value, gradient, decay: true }], 0.1);
 * value[0]; // 1 + 0.9 × (−0.1) − 0.1 = 0.81
 * ```
 */
export function nesterov(mu: number, weightDecay = 0): Optimizer {
  const velocityOf = stateOf();
  return {
    name: "nesterov",
    step(parameters, learningRate) {
      for (const { value, gradient, decay } of parameters) {
        const velocity = velocityOf(value), lambda = decay ? weightDecay : 0;
        for (let i = 0; i < value.length; i++) {
          const step = -learningRate * (gradient[i] + lambda * value[i]);
          velocity[i] = mu * velocity[i] + step;
          value[i] += mu * velocity[i] + step;
        }
      }
    },
  };
}

/**
 * RMSProp (Hinton, 2012): each parameter's step is divided by the root of a running mean of its
 * squared gradients, so that steep and flat directions move at similar speeds.
 * s ← ρs + (1 − ρ)g²; θ ← θ − η g / (√s + ε), with g = ∇ + λθ.
 *
 * @returns the optimizer
 * @example
 * ```ts
 * import { rmsprop } from "./optimizers.ts";
 * const value = new Float32Array([1]), gradient = new Float32Array([2]);
 * rmsprop(0.9).step([{ name: "W1", value, gradient, decay: true }], 0.01);
 * value[0]; // s = 0.4, so 1 − 0.01 × 2 / √0.4 ≈ 0.968
 * ```
 */
export function rmsprop(rho = 0.9, weightDecay = 0, epsilon = 1e-8): Optimizer {
  const meanSquareOf = stateOf();
  return {
    name: "rmsprop",
    step(parameters, learningRate) {
      for (const { value, gradient, decay } of parameters) {
        const meanSquare = meanSquareOf(value), lambda = decay ? weightDecay : 0;
        for (let i = 0; i < value.length; i++) {
          const g = gradient[i] + lambda * value[i];
          meanSquare[i] = rho * meanSquare[i] + (1 - rho) * g * g;
          value[i] -= (learningRate * g) / (Math.sqrt(meanSquare[i]) + epsilon);
        }
      }
    },
  };
}

/**
 * Adam (Kingma and Ba, 2015): momentum on the gradient and RMSProp's scaling together, with both
 * running means corrected for starting at zero. At step t, with g = ∇ + λθ (or g = ∇ for AdamW):
 * m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − η m̂ / (√v̂ + ε), where m̂ = m / (1 − β₁ᵗ) and
 * v̂ = v / (1 − β₂ᵗ). AdamW (Loshchilov and Hutter, 2019) decouples the weight decay instead:
 * θ ← θ − ηλθ before the step, which regularises as intended where L2 inside Adam would be scaled
 * away.
 *
 * @param decoupled true for AdamW
 * @returns the optimizer
 * @example
 * ```ts
 * import { adam } from "./optimizers.ts";
 * const value = new Float32Array([1]), gradient = new Float32Array([0.5]);
 * adam().step([{ name: "W1", value, gradient, decay: true }], 0.01);
 * value[0]; // the first step moves by η: 1 − 0.01 = 0.99
 * ```
 */
export function adam(
  options: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number } = {},
  decoupled = false,
): Optimizer {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0 } = options;
  const meanOf = stateOf(), meanSquareOf = stateOf();
  let t = 0;
  return {
    name: decoupled ? "adamw" : "adam",
    step(parameters, learningRate) {
      t++;
      const correction1 = 1 - beta1 ** t, correction2 = 1 - beta2 ** t;
      for (const { value, gradient, decay } of parameters) {
        const mean = meanOf(value), meanSquare = meanSquareOf(value);
        const lambda = decay ? weightDecay : 0;
        for (let i = 0; i < value.length; i++) {
          if (decoupled) value[i] -= learningRate * lambda * value[i];
          const g = decoupled ? gradient[i] : gradient[i] + lambda * value[i];
          mean[i] = beta1 * mean[i] + (1 - beta1) * g;
          meanSquare[i] = beta2 * meanSquare[i] + (1 - beta2) * g * g;
          value[i] -= (learningRate * (mean[i] / correction1)) /
            (Math.sqrt(meanSquare[i] / correction2) + epsilon);
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
    case "nesterov":
      return nesterov(settings.momentum, settings.weightDecay);
    case "rmsprop":
      return rmsprop(settings.rho ?? 0.9, settings.weightDecay, settings.epsilon);
    case "adam":
    case "adamw":
      return adam(settings, settings.optimizer === "adamw");
    default:
      throw new RangeError(
        `Cannot create an optimizer: expected one of ${OPTIMIZERS.join(", ")}, found ${
          JSON.stringify(settings.optimizer)
        }`,
      );
  }
}
