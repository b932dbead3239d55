/**
 * Settings that would hang a run or blame the wrong setting: an elastic σ past the image's width
 * (its blur took minutes per epoch), an α that sends every pixel off the image, and a learning
 * rate of 10⁶ whose divergence was blamed on the weight decay.
 */
import { assert, assertRejects, assertThrows } from "./assert.ts";
import {
  createNetwork,
  elasticField,
  loadDataset,
  normalizeImages,
  resolveSettings,
  takeExamples,
  train,
} from "../lib/mod.ts";
import { parseArguments, UsageError } from "../tools/train.ts";

Deno.test("the elastic distortion's σ and α are bounded, named on the command line", () => {
  assertThrows(
    () => parseArguments(["--augment", "elastic", "--elastic-sigma", "100000"]),
    UsageError,
    `Invalid value for --elastic-sigma: expected a positive number up to 28 (the image's width), found "100000"`,
  );
  assertThrows(
    () => parseArguments(["--elastic-alpha", "1e300"]),
    UsageError,
    `Invalid value for --elastic-alpha: expected a number from 0 to 1000, found "1e300"`,
  );
  assertThrows(
    () => resolveSettings("best-mlp-augmented", { elasticSigma: 29 }),
    RangeError,
    "expected elasticSigma to be a positive number up to 28",
  );
  resolveSettings("best-mlp-augmented", { elasticSigma: 28, elasticAlpha: 1000 });
});

Deno.test("the mirror's chance is a share, named on the command line", () => {
  assertThrows(
    () => parseArguments(["--mirror", "2"]),
    UsageError,
    `Invalid value for --mirror: expected a number from 0 to 1, found "2"`,
  );
  assertThrows(
    () => resolveSettings("cnn-batchnorm", { mirror: -0.5 }),
    RangeError,
    "expected mirror to be a number from 0 to 1",
  );
  assert(resolveSettings("cnn-batchnorm", { mirror: 0.5 }).mirror === 0.5);
});

Deno.test("the erasing's chance is a share, named on the command line", () => {
  assertThrows(
    () => parseArguments(["--erase", "1.5"]),
    UsageError,
    `Invalid value for --erase: expected a number from 0 to 1, found "1.5"`,
  );
  assertThrows(
    () => resolveSettings("cnn-batchnorm", { erase: -1 }),
    RangeError,
    "expected erase to be a number from 0 to 1",
  );
  assert(resolveSettings("cnn-batchnorm", { erase: 0.5 }).erase === 0.5);
});

Deno.test("a learning rate of 10⁶ that diverges is blamed on the learning rate, not the weight decay", async () => {
  const mnist = await loadDataset("mnist");
  const subset = takeExamples(
    normalizeImages(mnist.train),
    Array.from({ length: 200 }, (_, i) => i),
  );
  const error = await assertRejects(
    () =>
      train(createNetwork({ sizes: [784, 8, 10] }), subset, {
        epochs: 2,
        learningRate: 1e6,
        weightDecay: 1e-4,
        momentum: 0.9,
        engine: "reference",
      }),
    RangeError,
    "Training diverged",
  );
  assert(
    error.message.includes(
      "Try a smaller learning rate (learningRate, --learning-rate) than 1000000",
    ),
    error.message,
  );
});

Deno.test("elasticField() refuses a σ past the image's width at once, instead of blurring for minutes", () => {
  const started = performance.now();
  assertThrows(
    () => elasticField({ sigma: 100000 }),
    RangeError,
    "Cannot draw an elastic field: expected alpha from 0 to 1000 and sigma > 0 up to 28, found alpha 34, sigma 100000",
  );
  assert(performance.now() - started < 100);
});
