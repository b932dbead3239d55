/**
 * One type describes a run — its data, network, training and engine — and one function checks
 * it. Presets are named settings; notebook 06's parameters cell, the flags of `deno task train`
 * (each the field's name in kebab-case) and the model files all use these names.
 *
 * @module
 */

import { parseLayers } from "../nn/layers/spec.ts";
import { checkNetworkCost } from "./network_cost.ts";
import { type RunSettings, SETTINGS } from "./setting_fields.ts";

export { type RunSettings, type Setting, SETTINGS } from "./setting_fields.ts";
export { CONSTANT_DEFAULTS } from "../train/options.ts";

/** A run's settings with some changed; `null` or `undefined` keeps the value it changes. */
export type RunOverrides = { [K in keyof RunSettings]?: RunSettings[K] | null };

/** Settings added after model files were first written, as a file without them means them. */
export const SETTINGS_ADDED_LATER: Partial<RunSettings> = {
  labelSmoothing: 0,
  maxNorm: 0,
  mirror: 0,
  erase: 0,
};

/**
 * Checks that `value` is a complete, valid {@linkcode RunSettings}.
 *
 * @param value the settings to check
 * @param source what they came from, for the error ("settings", "model 'x.json'")
 * @returns the settings, typed
 * @throws RangeError naming the first bad field, what was expected and what was found
 */
export function validateSettings(value: unknown, source = "settings"): RunSettings {
  const settings = validateFields(value, source);
  // The few settings that only make sense together.
  if (settings.earlyStopping > 0 && settings.validationSplit === 0) {
    throw new RangeError(
      `Invalid ${source}: earlyStopping watches a validation split: expected validationSplit above 0, found 0`,
    );
  }
  if (settings.layers.trim() !== "") {
    try {
      parseLayers(settings.layers);
    } catch (error) {
      throw new RangeError(`Invalid ${source}: layers: ${(error as Error).message}`);
    }
    if (settings.dropout.length > 0) {
      throw new RangeError(
        `Invalid ${source}: dropout sets the MLP's hidden layers; a network of layers takes dropout(rate) among its layers: expected dropout [], found ${
          JSON.stringify(settings.dropout)
        }`,
      );
    }
  }
  if (settings.dropout.length > 1 && settings.dropout.length !== settings.hiddenSizes.length) {
    throw new RangeError(
      `Invalid ${source}: expected dropout to hold one rate, or one per hidden layer (${settings.hiddenSizes.length}), found ${
        JSON.stringify(settings.dropout)
      }`,
    );
  }
  // Sizes before allocations: a network too large, or layers that do not fit, is refused here.
  checkNetworkCost(settings, source);
  return settings;
}

function validateFields(value: unknown, source: string): RunSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError(`Invalid ${source}: expected an object of settings, found ${value}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(SETTINGS, key)) throw unknownSetting(key, source);
  }
  for (const [key, field] of Object.entries(SETTINGS)) {
    if (!field.accepts(record[key])) {
      throw new RangeError(
        `Invalid ${source}: expected ${key} to be ${field.expected}, found ${
          record[key] === undefined ? "nothing" : JSON.stringify(record[key])
        }`,
      );
    }
  }
  return record as unknown as RunSettings;
}

/**
 * The error for a setting that does not exist.
 *
 * @returns the error, to throw
 */
export function unknownSetting(key: string, source = "settings"): RangeError {
  return new RangeError(
    `Invalid ${source}: unknown setting ${JSON.stringify(key)}; expected one of ${
      Object.keys(SETTINGS).join(", ")
    }`,
  );
}

/**
 * Settings with overrides applied and checked.
 *
 * @returns new, valid settings
 * @example
 * ```ts
 * import { applyOverrides } from "./settings.ts";
 * import { preset } from "./presets.ts";
 * applyOverrides(preset("assignment"), { epochs: 5, seed: null }).epochs; // 5
 * ```
 */
export function applyOverrides(settings: RunSettings, overrides: RunOverrides): RunSettings {
  const result: Record<string, unknown> = { ...settings };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(SETTINGS, key)) throw unknownSetting(key);
    if (value !== null && value !== undefined) result[key] = value;
  }
  return validateSettings(result);
}

/**
 * A flag's name for a setting: its name in kebab-case.
 *
 * @returns "--learning-rate" for "learningRate"
 */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * The network's layer sizes for a data set's inputs and classes: [784, ...hiddenSizes, 10].
 *
 * @returns [inputs, ...hiddenSizes, classes]
 */
export function layerSizes(settings: RunSettings, inputs = 784, classes = 10): number[] {
  return [inputs, ...settings.hiddenSizes, classes];
}
