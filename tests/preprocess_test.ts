import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { loadDataset } from "../lib/mod.ts";
import { fromRows } from "../lib/mod.ts";
import {
  balancedSubset,
  classCounts,
  describe,
  type Examples,
  miniBatches,
  normalizeImages,
  oneHot,
  trainValidationSplit,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");

Deno.test("normalizeImages() flattens to rows of 784 Float32 pixels in [0, 1]", () => {
  const { images, labels } = normalizeImages(mnist.test);
  assertEquals([images.rows, images.cols], [10000, 784]);
  assert(images.data instanceof Float32Array);
  const stats = describe(images.data);
  assertEquals([stats.min, stats.max], [0, 1]);
  assertAlmostEquals(stats.mean, describe(mnist.test.pixels).mean / 255, 1e-6, "mean");
  // Pixel (row 10, column 14) of image 3 lands at column 10·28 + 14.
  assertAlmostEquals(
    images.data[3 * 784 + 294],
    mnist.test.pixels[3 * 784 + 294] / 255,
    1e-7,
    "pixel",
  );
  assertEquals(labels, mnist.test.labels);
});

Deno.test("oneHot() puts a single one in each row, at the label", async (t) => {
  await t.step("the first MNIST labels", () => {
    const encoded = oneHot(mnist.train.labels.subarray(0, 3));
    assertEquals([encoded.rows, encoded.cols], [3, 10]);
    assertEquals([...encoded.data.subarray(0, 10)], [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    assertEquals([...encoded.data.subarray(10, 20)], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assertEquals([...encoded.data.subarray(20, 30)], [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  });
  await t.step("rejects a label outside the classes", () => {
    assertThrows(
      () => oneHot([1, 10], 10),
      RangeError,
      "Cannot one-hot encode label 1: expected an integer from 0 to 9, found 10",
    );
  });
});

Deno.test("balancedSubset() keeps the same number of each class, seeded", async (t) => {
  const train = normalizeImages(mnist.train);
  const subset = balancedSubset(train, 50, { seed: 695 });
  await t.step("counts", () => {
    assertEquals(classCounts(subset.labels), new Array(10).fill(50));
    assertEquals(subset.images.rows, 500);
  });
  await t.step("rows stay paired with their labels", () => {
    // Each chosen row must equal some training row of the same label: check by its pixel sum.
    const sums = new Map<number, number>();
    for (let i = 0; i < train.labels.length; i++) {
      let s = 0;
      for (let j = 0; j < 784; j++) s += train.images.data[i * 784 + j];
      sums.set(Math.round(s * 1000) * 10 + train.labels[i], 1);
    }
    for (let i = 0; i < subset.labels.length; i++) {
      let s = 0;
      for (let j = 0; j < 784; j++) s += subset.images.data[i * 784 + j];
      assert(
        sums.has(Math.round(s * 1000) * 10 + subset.labels[i]),
        `row ${i} matches a training row`,
      );
    }
  });
  await t.step("same seed, same subset; another seed, another", () => {
    assertEquals(balancedSubset(train, 50, { seed: 695 }).labels, subset.labels);
    assert(
      balancedSubset(train, 50, { seed: 1 }).images.data.some((v, i) =>
        v !== subset.images.data[i]
      ),
    );
  });
  await t.step("too many per class", () => {
    assertThrows(
      () => balancedSubset(train, 6000),
      RangeError,
      "Cannot take a balanced subset: expected perClass from 1 to 5421 (the smallest class), found 6000",
    );
  });
});

const tiny: Examples = {
  images: fromRows([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]]),
  labels: new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
};

Deno.test("trainValidationSplit() splits without losing or repeating a row", () => {
  const { train, validation } = trainValidationSplit(tiny, 0.2, 7);
  assertEquals([train.labels.length, validation.labels.length], [8, 2]);
  assertEquals([...train.labels, ...validation.labels].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertThrows(
    () => trainValidationSplit(tiny, 1),
    RangeError,
    "expected validationFraction between 0 and 1, found 1",
  );
});

Deno.test("miniBatches() covers every index once, the last batch smaller", () => {
  const batches = miniBatches(300, 128);
  assertEquals(batches.map((b) => b.length), [128, 128, 44]);
  assertEquals(batches[2][43], 299);
  assertThrows(() => miniBatches(10, 0), RangeError, "expected a positive batchSize, found 0");
});
