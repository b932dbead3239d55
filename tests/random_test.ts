import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { DEFAULT_SEED, Random } from "../lib/mod.ts";

Deno.test("Random() gives the same numbers for the same seed, other numbers for another", () => {
  const a = new Random(695), b = new Random(695), c = new Random(696);
  const draws = (r: Random) => Array.from({ length: 5 }, () => r.nextUint32());
  const first = draws(a);
  assertEquals(draws(b), first);
  assert(draws(c).every((x, i) => x !== first[i]));
  assertEquals(new Random().seed, DEFAULT_SEED);
});

Deno.test("Random.uniform() and normal() have the right statistics", () => {
  const rng = new Random(1);
  const n = 200_000;
  let sum = 0, sumSquares = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform(-2, 2);
    min = Math.min(min, u);
    max = Math.max(max, u);
    sum += u;
  }
  assert(min >= -2 && max < 2, `uniform in [-2, 2): ${min} ${max}`);
  assertAlmostEquals(sum / n, 0, 0.02, "uniform mean");
  sum = 0;
  for (let i = 0; i < n; i++) {
    const z = rng.normal(1, 0.5);
    sum += z;
    sumSquares += (z - 1) ** 2;
  }
  assertAlmostEquals(sum / n, 1, 0.01, "normal mean");
  assertAlmostEquals(Math.sqrt(sumSquares / n), 0.5, 0.01, "normal std");
});

Deno.test("Random.permutation() holds every index once", () => {
  const order = new Random(3).permutation(1000);
  assertEquals([...order].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
});

Deno.test("Random.integer() stays below n and rejects a bad n", () => {
  const rng = new Random(5);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(rng.integer(7));
  assertEquals([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assertThrows(() => rng.integer(0), RangeError, "expected 1 ≤ n ≤ 2^32, found 0");
});

Deno.test("Random() refuses seeds outside 0 … 2^32 − 1 instead of wrapping them", () => {
  for (const seed of [-1, 2 ** 32, 1.5, Number.NaN]) {
    assertThrows(
      () => new Random(seed),
      RangeError,
      `expected an integer from 0 to 4294967295, found ${seed}`,
    );
  }
  assertEquals(new Random(2 ** 32 - 1).seed, 2 ** 32 - 1);
});
