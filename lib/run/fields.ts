/**
 * The kinds of value a setting can take, each with the words an error uses for it and the parser
 * that reads it from a command-line flag. `settings.ts` builds every setting from these, so the
 * notebooks, the presets, the command line and the model files all check values the same way.
 *
 * @module
 */

/** A kind of value: how to check it, describe it and read it from text. */
export interface Field {
  /** What the value must be, for errors and help: "a positive integer". */
  expected: string;
  /** True when `value` is valid. */
  accepts(value: unknown): boolean;
  /** Reads a value from command-line text (not yet checked). */
  parse(text: string): unknown;
}

const numberFrom = (text: string) => text.trim() === "" ? NaN : Number(text);

/**
 * A whole number from `min` to `max` (inclusive).
 *
 * @returns the field
 * @example
 * ```ts
 * import { integer } from "./fields.ts";
 * integer(1).accepts(2.5); // false
 * ```
 */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Field {
  return {
    expected: max === Number.MAX_SAFE_INTEGER
      ? min === 1 ? "a positive integer" : `an integer of ${min} or more`
      : `an integer from ${min} to ${max}`,
    accepts: (value) =>
      typeof value === "number" && Number.isInteger(value) && value >= min && value <= max,
    // Only plain digits: "1e3", "0x10" and " 7" are refused.
    parse: (text) => /^-?\d+$/.test(text) ? Number(text) : NaN,
  };
}

/**
 * A finite number in a range: above `greaterThan`, at least `min`, below `lessThan`, at most
 * `max`.
 *
 * @returns the field
 */
export function real(
  range: { min?: number; greaterThan?: number; lessThan?: number; max?: number },
  expected: string,
): Field {
  const { min = -Infinity, greaterThan = -Infinity, lessThan = Infinity, max = Infinity } = range;
  return {
    expected,
    accepts: (value) =>
      typeof value === "number" && Number.isFinite(value) && value >= min &&
      value > greaterThan && value < lessThan && value <= max,
    parse: numberFrom,
  };
}

/**
 * One of some names.
 *
 * @returns the field
 */
export function oneOf(names: readonly string[]): Field {
  return {
    expected: `one of ${names.join(", ")}`,
    accepts: (value) => typeof value === "string" && names.includes(value),
    parse: (text) => text,
  };
}

/**
 * A field, or one word with a meaning of its own ("full", "all", "auto").
 *
 * @returns the field
 */
export function orWord(field: Field, word: string, meaning: string): Field {
  return {
    expected: `${field.expected}, or "${word}" for ${meaning}`,
    accepts: (value) => value === word || field.accepts(value),
    parse: (text) => text === word ? word : field.parse(text),
  };
}

/**
 * A list of values of one field; comma-separated on the command line.
 *
 * @returns the field
 */
export function listOf(field: Field, what: string): Field {
  return {
    expected: `a list of ${what}`,
    accepts: (value) => Array.isArray(value) && value.every((v) => field.accepts(v)),
    parse: (text) => text.split(",").map((part) => field.parse(part.trim())),
  };
}

/** A non-empty line of text. */
export const name: Field = {
  expected: "a non-empty name",
  accepts: (value) => typeof value === "string" && value.trim() !== "",
  parse: (text) => text,
};

/** A line of text, perhaps empty. */
export const text: Field = {
  expected: "text",
  accepts: (value) => typeof value === "string",
  parse: (text) => text,
};
