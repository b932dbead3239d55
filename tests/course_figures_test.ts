import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  activationHistograms,
  batchScoresTable,
  classCountsBySplit,
  digitProbabilities,
  gradientNormsTable,
  labelledDigitFigure,
  layerOutputsTable,
  saturationHistogram,
  saturationTable,
  seedComparisonTable,
  softmaxFigure,
  splitTable,
  statisticsTable,
  weightHistograms,
} from "../lib/mod.ts";
import { firstExamples, firstImages, isOneHotOf, largestToSmallest, shareOf } from "../lib/mod.ts";
import { differingParameters, preActivations, saturatedShare, uniformWeights } from "../lib/mod.ts";
import {
  backprop,
  createNetwork,
  feedForward,
  forwardLayers,
  initDistribution,
} from "../lib/mod.ts";
import { fromRows, matmul, matrix, norm, softmaxRows } from "../lib/mod.ts";
import { classCounts, describe, loadDataset, normalizeImages, oneHot } from "../lib/mod.ts";
import { miniBatches, takeExamples, trainValidationSplit } from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const test = normalizeImages(mnist.test);
/** The first 64 training images, normalised: the batch notebook 03 looks at. */
const batch = normalizeImages(firstImages(mnist.train, 64));
const glorot = initDistribution("uniform", 784, 128).high!;
const ranges = {
  glorot: uniformWeights(784, 128, glorot),
  wide: uniformWeights(784, 128, 1),
};

/** A table's rows as plain objects. */
const records = (table: { toRecords(): Record<string, unknown>[] }) => table.toRecords();
const pngCount = (svg: string) => svg.match(/data:image\/png/g)?.length ?? 0;

Deno.test("firstImages() and firstExamples() take the first rows, unchanged", () => {
  const images = firstImages(mnist.train, 3);
  assertEquals([images.count, images.pixels.length, images.labels.length], [3, 3 * 784, 3]);
  assertEquals([...images.labels], [...mnist.train.labels.subarray(0, 3)]);
  const normalised = normalizeImages(mnist.train);
  assertEquals(
    batch.images.data,
    takeExamples(normalised, [...Array(64).keys()]).images.data,
    "normalising the first images is the same as taking the first normalised rows",
  );
  const first = firstExamples(test, 5);
  assertEquals(first.images.rows, 5);
  assertEquals(first.images.data, test.images.data.subarray(0, 5 * 784));
  assertEquals(firstExamples(test, 0).labels.length, 0);
  assertThrows(() => firstImages(mnist.test, 10001), RangeError, "from 0 to 10000");
  assertThrows(() => firstExamples(test, -1), RangeError, "found -1");
});

Deno.test("shareOf(), largestToSmallest() and isOneHotOf() on MNIST", () => {
  const background = shareOf(mnist.train.pixels, (p) => p === 0);
  assert(background > 0.75 && background < 0.85, `most pixels are background: ${background}`);
  assertEquals(shareOf([], () => true), 0);
  const counts = classCounts(mnist.train.labels);
  assertAlmostEquals(largestToSmallest(counts), 6742 / 5421, 1e-12, "ones / fives");
  assertThrows(() => largestToSmallest([]), RangeError, "found none");
  const labels = mnist.train.labels.subarray(0, 20);
  const encoded = oneHot(labels);
  assert(isOneHotOf(encoded, labels), "oneHot() is a one-hot encoding");
  assert(!isOneHotOf(encoded, mnist.train.labels.subarray(1, 21)), "of other labels it is not");
  assert(!isOneHotOf(encoded, labels.subarray(0, 19)), "nor with a row too many");
  encoded.data[encoded.cols * 3 + ((labels[3] + 1) % 10)] = 1;
  assert(!isOneHotOf(encoded, labels), "a second 1 in a row breaks it");
});

Deno.test("uniformWeights() draws what createNetwork() draws for the first layer", () => {
  const limit = 0.3;
  const network = createNetwork({ seed: 7, init: { kind: "uniform", low: -limit, high: limit } });
  assertEquals(uniformWeights(784, 128, limit, 7).data, network.weights[0].data);
  const s = describe(ranges.wide.data);
  assert(s.min >= -1 && s.max < 1 && s.max > 0.99, `fills [−1, 1): ${s.min} … ${s.max}`);
  assertThrows(() => uniformWeights(2, 2, 0), RangeError, "positive limit");
});

Deno.test("preActivations() is x·W; saturatedShare() counts |z| beyond the limit", () => {
  const x = fromRows([[1, 2], [0, -1]]);
  const w = fromRows([[1, 0, 2], [3, 1, -1]]);
  assertEquals([...preActivations(x, w)], [7, 2, 0, -3, -1, 1]);
  assertThrows(() => preActivations(w, w), RangeError, "2×3 but the weights are 2×3");
  assertEquals(saturatedShare([-7, -5, 0, 5, 6]), 0.4, "|z| = 5 is not saturated");
  assertEquals(saturatedShare([-2, 3], 1), 1);
  assertEquals(saturatedShare([]), 0);
  const expected = matmul(batch.images, ranges.wide, matrix(64, 128)).data;
  assertEquals(preActivations(batch.images, ranges.wide), expected);
});

Deno.test("differingParameters() counts the parameters two networks do not share", () => {
  const sizes = [784, 8, 10];
  const network = createNetwork({ sizes });
  assertEquals(differingParameters(network, createNetwork({ sizes })), 0, "same seed");
  assertEquals(
    differingParameters(network, createNetwork({ sizes, seed: 696 })),
    784 * 8 + 8 * 10,
    "another seed: every weight differs, and no bias (all start at 0)",
  );
  assertThrows(
    () => differingParameters(network, createNetwork({ sizes: [784, 9, 10] })),
    RangeError,
    "784–8–10 and 784–9–10",
  );
});

Deno.test("labelledDigitFigure() and classCountsBySplit() draw notebook 01's figures", () => {
  const digit = labelledDigitFigure(mnist.train, 0, { classNames: mnist.classNames });
  assertEquals(digit.title, `Training image 0: label ${mnist.classNames[mnist.train.labels[0]]}`);
  assertEquals(pngCount(digit.svg), 1);
  assertEquals(
    labelledDigitFigure(mnist.test, 3, { classNames: mnist.classNames, what: "Test image" }).title,
    `Test image 3: label ${mnist.classNames[mnist.test.labels[3]]}`,
  );
  assertThrows(
    () => labelledDigitFigure(mnist.test, 10000, { classNames: mnist.classNames }),
    RangeError,
    "from 0 to 9999",
  );
  const counts = classCountsBySplit({
    "Training set": classCounts(mnist.train.labels),
    "Test set": classCounts(mnist.test.labels),
  }, mnist.classNames);
  assertEquals(counts.title, "Images per class");
  for (const part of [">Training set</text>", ">Test set</text>", ">6742</text>", ">1135</text>"]) {
    assert(counts.svg.includes(part), `the figure shows ${part}`);
  }
  assert(counts.svg.includes("#4269d0") && counts.svg.includes("#efb118"), "a colour per split");
});

Deno.test("statisticsTable() and splitTable() tabulate notebook 02's numbers", () => {
  const before = describe(mnist.train.pixels);
  const after = describe(normalizeImages(mnist.train).images.data);
  const stats = records(statisticsTable({ bytes: before, scaled: after }, "pixels"));
  assertEquals(Object.keys(stats[0]), ["pixels", "min", "max", "mean", "std"]);
  assertEquals([stats[0].pixels, stats[0].max, stats[1].max], ["bytes", 255, 1]);
  assertAlmostEquals(stats[1].mean as number, before.mean / 255, 1e-4, "the mean, scaled");
  const { train: fit, validation } = trainValidationSplit(test, 0.2, 695);
  const batches = miniBatches(fit.labels.length, 128);
  assertEquals(records(splitTable({ fit, validation, test }, batches)), [
    { set: "training (fit)", examples: 8000, batches: 63 },
    { set: "validation", examples: 2000, batches: NaN },
    { set: "test", examples: 10000, batches: NaN },
  ]);
});

Deno.test("softmaxFigure() highlights the most probable class and fits the logits", () => {
  const logits = fromRows([[1.2, -0.3, 0.4, 3.1, 0.0, -1.5]]);
  const probabilities = softmaxRows(logits, matrix(1, 6)).data;
  const figure = softmaxFigure(logits.data, probabilities);
  assertEquals(figure.title, "Softmax turns scores into probabilities");
  assertEquals(figure.svg.match(/#e15759/g)?.length, 1, "one red bar: class 3");
  assert(figure.svg.includes(">−2</text>") && figure.svg.includes(">4</text>"), "y from −2 to 4");
  assert(figure.svg.includes(">Logits z</text>") && figure.svg.includes(">softmax(z)</text>"));
  const named = softmaxFigure([0, 1], [0.27, 0.73], { classNames: ["cat", "dog"], title: "T" });
  assert(named.svg.includes(">dog</text>") && named.title === "T");
});

Deno.test("weightHistograms() and seedComparisonTable() show notebook 03's weights", () => {
  const network = createNetwork();
  const figure = weightHistograms(network);
  assertEquals(figure.title, "Initial weights of each layer");
  for (const series of ["layer 1 (784×128)", "layer 2 (128×64)", "layer 3 (64×10)"]) {
    assert(figure.svg.includes(`>${series}</text>`), `a panel for ${series}`);
  }
  const other = createNetwork({ seed: 696 });
  const rows = records(seedComparisonTable([network, createNetwork(), other], 3));
  assertEquals(Object.keys(rows[0]), [
    "weight W¹[0][i]",
    "seed 695",
    "seed 695 again",
    "seed 696",
  ]);
  assertEquals(rows.length, 3);
  assert(rows.every((r) => r["seed 695"] === r["seed 695 again"]), "the same seed, the same");
  assert(rows.every((r) => r["seed 695"] !== r["seed 696"]), "another seed, other weights");
  assertAlmostEquals(rows[2]["seed 695"] as number, network.weights[0].data[2], 1e-5, "W¹[0][2]");
});

Deno.test("saturationHistogram() and saturationTable() on a real batch", () => {
  const figure = saturationHistogram(batch.images, ranges);
  assertEquals(figure.title, "First-layer pre-activations z for 64 images");
  for (const part of [">glorot</text>", ">wide</text>", "saturated: σ'(z) &lt; 0.007"]) {
    assert(figure.svg.includes(part), `the figure shows ${part}`);
  }
  const rows = records(saturationTable(batch.images, ranges));
  assertEquals(Object.keys(rows[0]), ["range", "std of z", "saturated (|z| > 5)"]);
  assertEquals(rows[0]["saturated (|z| > 5)"], 0, "Glorot's range saturates no unit");
  const wide = rows[1]["saturated (|z| > 5)"] as number;
  assert(wide > 0.2 && wide < 0.5, `the wide range saturates many: ${wide}`);
  // The same draws, scaled: z scales with the range.
  const ratio = (rows[1]["std of z"] as number) / (rows[0]["std of z"] as number);
  assertAlmostEquals(ratio, 1 / glorot, 0.01 / glorot, "std of z grows with the range");
  const strict = records(saturationTable(batch.images, ranges, 1))[0];
  assert((strict["saturated (|z| > 1)"] as number) > 0, "a lower limit counts more as saturated");
});

Deno.test("layerOutputsTable(), activationHistograms() and digitProbabilities() for 04", () => {
  const network = createNetwork();
  const first = firstExamples(test, 8);
  const layers = forwardLayers(network, first.images);
  const rows = records(layerOutputsTable(network, layers));
  assertEquals(rows.map((r) => r.layer), [
    "input X",
    "hidden 1 (sigmoid)",
    "hidden 2 (sigmoid)",
    "output ŷ (softmax)",
  ]);
  assertEquals(rows.map((r) => r.shape), ["8×784", "8×128", "8×64", "8×10"]);
  assertEquals(rows.map((r) => r["weights in"]), ["", "784×128", "128×64", "64×10"]);
  assertAlmostEquals(rows[3].mean as number, 0.1, 1e-6, "softmax rows average 1/10");
  const histograms = activationHistograms(layers, { title: "Untrained" });
  assertEquals(histograms.title, "Untrained");
  for (const series of ["hidden layer 1", "hidden layer 2", "output probabilities"]) {
    assert(histograms.svg.includes(`>${series}</text>`), `a panel for ${series}`);
  }
  const output = layers.at(-1)!;
  const figure = digitProbabilities(first, output, { classNames: mnist.classNames, count: 3 });
  assertEquals(pngCount(figure.svg), 3, "three digits");
  assertEquals(figure.svg.match(/#e15759/g)?.length, 3, "one predicted class each");
  assert(figure.svg.includes(`>Image 2: label ${mnist.classNames[first.labels[2]]}</text>`));
  assertEquals(
    pngCount(digitProbabilities(first, output, { classNames: mnist.classNames, count: 99 }).svg),
    8,
    "no more digits than the batch has",
  );
});

Deno.test("gradientNormsTable() and batchScoresTable() for 05", () => {
  const network = createNetwork();
  const first = firstExamples(test, 32);
  const gradients = backprop(network, first.images, first.labels);
  const rows = records(gradientNormsTable(gradients));
  assertEquals(rows.map((r) => r["∂L/∂W shape"]), ["784×128", "128×64", "64×10"]);
  gradients.gradWeights.forEach((g, l) => {
    assertAlmostEquals(rows[l]["‖∂L/∂W‖"] as number, norm(g.data), 1e-4 * norm(g.data), "norm");
    const largest = Math.max(...Array.from(g.data, Math.abs));
    assertAlmostEquals(rows[l]["largest |∂L/∂W|"] as number, largest, 1e-4 * largest, "largest");
  });
  const scores = records(batchScoresTable({ untrained: network }, first));
  assertEquals(Object.keys(scores[0]), ["network", "loss", "batch accuracy"]);
  assertAlmostEquals(scores[0].loss as number, gradients.loss, 1e-4, "backprop's loss");
  const probabilities = feedForward(network, first.images);
  assert(probabilities.rows === 32 && (scores[0]["batch accuracy"] as number) <= 1);
});
