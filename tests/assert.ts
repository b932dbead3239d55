/**
 * The assertions the tests use: Node's strict assertions (JSR is out of reach here) plus the few
 * shapes Deno's std offers that Node lacks, with messages checked by substring.
 *
 * @module
 */

import assert from "node:assert/strict";

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

export function assert_(
  condition: unknown,
  message = "expected a true condition",
): asserts condition {
  assert.ok(condition, message);
}
export { assert_ as assert };

/** Passes when |actual − expected| ≤ tolerance. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance: number,
  what = "value",
): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new assert.AssertionError({
      message: `${what}: expected ${expected} ± ${tolerance}, found ${actual}`,
      actual,
      expected,
    });
  }
}

// deno-lint-ignore no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

function checkError(error: unknown, errorClass?: ErrorClass, includes?: string): Error {
  if (!(error instanceof Error)) {
    throw new assert.AssertionError({ message: `expected an Error, found ${error}` });
  }
  if (errorClass && !(error instanceof errorClass)) {
    throw new assert.AssertionError({
      message: `expected ${errorClass.name}, found ${(error as Error).constructor.name}: ${
        (error as Error).message
      }`,
    });
  }
  if (includes !== undefined && !error.message.includes(includes)) {
    throw new assert.AssertionError({
      message: `expected the message to include:\n  ${includes}\nfound:\n  ${error.message}`,
    });
  }
  return error;
}

/** Passes when `fn` throws an error of `errorClass` whose message includes `includes`. */
export function assertThrows(fn: () => unknown, errorClass?: ErrorClass, includes?: string): Error {
  try {
    fn();
  } catch (error) {
    return checkError(error, errorClass, includes);
  }
  throw new assert.AssertionError({ message: "expected the function to throw, it returned" });
}

/** Passes when `fn` rejects with an error of `errorClass` whose message includes `includes`. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  errorClass?: ErrorClass,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, errorClass, includes);
  }
  throw new assert.AssertionError({ message: "expected the promise to reject, it resolved" });
}
