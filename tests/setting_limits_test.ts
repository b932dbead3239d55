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

Deno.test("the mirror's and the erasing's chances are shares, named on the command line", () => {
  const cases = [
    { name: "mirror", flag: "--mirror", tooLarge: "2", negative: -0.5 },
    { name: "erase", flag: "--erase", tooLarge: "1.5", negative: -1 },
  ] as const;
  for (const { name, flag, tooLarge, negative } of cases) {
    assertThrows(
      () => parseArguments([flag, tooLarge]),
      UsageError,
      `Invalid value for ${flag}: expected a number from 0 to 1, found "${tooLarge}"`,
    );
    assertThrows(
      () => resolveSettings("cnn-batchnorm", { [name]: negative }),
      RangeError,
      `expected ${name} to be a number from 0 to 1`,
    );
    assert(resolveSettings("cnn-batchnorm", { [name]: 0.5 })[name] === 0.5);
  }
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
