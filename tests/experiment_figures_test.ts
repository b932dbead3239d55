import { fits } from "./figure_fits.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import {
  activationDistributions,
  activationVariants,
  augmentationGallery,
  augmentRows,
  createNetwork,
  displacementFigure,
  elasticField,
  type EpochRecord,
  evaluateNetwork,
  evaluationsTable,
  gradientNormChart,
  learningRateSweepChart,
  loadDataset,
  normalizeImages,
  profileNetwork,
  RUN_COLORS,
  runsChart,
  runsTable,
  type SweepPoint,
  takeExamples,
  trainVariantsLive,
  variantsProgress,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const train = takeExamples(normalizeImages(mnist.train), Array.from({ length: 400 }, (_, i) => i));
const batch = takeExamples(train, Array.from({ length: 64 }, (_, i) => i));
const digit = train.images.data.subarray(0, 784);

/** A history of `epochs` records whose loss falls and accuracy rises; held-out ones when asked. */
const historyOf = (epochs: number, heldOut = true): EpochRecord[] =>
  Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    loss: 2 / (i + 1),
    trainAccuracy: 0.5 + 0.04 * i,
    ...(heldOut ? { validationLoss: 2.1 / (i + 1), validationAccuracy: 0.48 + 0.04 * i } : {}),
    learningRate: 0.1,
    seconds: 0.5,
  }));

Deno.test("runsChart() draws each run in its own colour, on shared loss and accuracy axes", () => {
  const runs = [
    { name: "sgd η 0.5", history: historyOf(5) },
    { name: "adam η 0.001", history: historyOf(5) },
    { name: "η = 100", history: historyOf(2), diverged: "Training diverged at epoch 3" },
  ];
  const figure = runsChart(runs, { title: "Optimizers", epochs: 5 });
  fits(figure, "Optimizers");
  for (const color of RUN_COLORS.slice(0, 3)) assert(figure.svg.includes(color), color);
  for (const text of ["Training loss", "Validation accuracy", "epoch", "loss (log scale)"]) {
    assert(figure.svg.includes(text), text);
  }
  assert(figure.svg.includes("η = 100 (diverged)"), "the key says which run diverged");
  const both = runsChart(runs.slice(0, 2), {
    title: "Both",
    loss: "both",
    accuracy: "both",
    heldOutName: "test",
  });
  assert(both.svg.includes("Loss: training and test"), "the panel says what it draws");
  assert(both.svg.includes('stroke-dasharray="5,3"'), "training curves are dashed");
  const trainingOnly = runsChart([{ name: "a", history: historyOf(3, false) }], { title: "T" });
  assert(trainingOnly.svg.includes("Training accuracy"), "without held-out records: training");
});

Deno.test("runsTable() gives each run's final figures and its status", () => {
  const rows = runsTable([
    { name: "good", history: historyOf(4), seconds: 2 },
    { name: "bad", history: [], diverged: "Training diverged at epoch 1", seconds: 0.1 },
  ], { heldOutName: "test" }).toRecords();
  assertEquals(rows.map((r) => r.status), ["completed", "diverged in epoch 1"]);
  assertEquals(rows[0].epochs, 4);
  assertEquals(rows[0]["final training loss"], 0.5);
  assertEquals(rows[0]["final test accuracy (%)"], 60);
  assertEquals(rows[0]["best epoch"], 4);
  assertEquals(rows[1]["final training loss"], null);
});

Deno.test("activation and gradient figures show every network, layer and stage", () => {
  const sizes = [784, 16, 16, 16, 10];
  const variants = activationVariants(["sigmoid", "tanh", "relu", "silu"], { sizes });
  const before = variants.map((v) => profileNetwork(createNetwork(v.network), batch, v.name));
  const after = variants.map((v) =>
    profileNetwork(createNetwork({ ...v.network, seed: 1 }), batch, v.name)
  );
  const stages = { "at initialisation": before, "another seed": after };
  const activations = activationDistributions(stages, { title: "Activations" });
  fits(activations, "Activations");
  for (const v of variants) assert(activations.svg.includes(`>${v.name}</text>`), v.name);
  assert(activations.svg.includes("hidden layer 3"), "one row per hidden layer");
  assert(activations.svg.includes("saturated"), "the saturated regions are in the key");
  const gradients = gradientNormChart(stages, { title: "Gradients" });
  fits(gradients, "Gradients");
  assert(gradients.svg.includes("‖∂L/∂W‖ (log scale)") && gradients.svg.includes("weight layer"));
  assert(gradients.svg.includes(">another seed</text>"), "one panel per stage");
  assertThrows(
    () => activationDistributions({ none: [] }, { title: "x" }),
    RangeError,
    "found none",
  );
});

Deno.test("learningRateSweepChart() marks the diverged rates and the best one", () => {
  const points: SweepPoint[] = [
    { learningRate: 0.01, loss: 2.2, validationLoss: 2.1, diverged: false, epochs: 3 },
    { learningRate: 0.1, loss: 0.6, validationLoss: 0.5, diverged: false, epochs: 3 },
    { learningRate: 1, loss: 0.4, validationLoss: 0.45, diverged: false, epochs: 3 },
    { learningRate: 10, diverged: true, epochs: 0 },
    { learningRate: 100, diverged: true, epochs: 0 },
  ];
  const figure = learningRateSweepChart(points, { title: "Sweep" });
  fits(figure, "Sweep");
  assertEquals(figure.svg.match(/>diverged<\/text>/g)?.length, 3, "two crosses and the key");
  assert(figure.svg.includes("best: η = 1"), "the lowest validation loss is ringed");
  assert(figure.svg.includes("learning rate η (log scale)"));
  assert(figure.svg.includes("guessing at random: ln 10"), "guessing at random is marked");
  const calm = learningRateSweepChart(points.slice(0, 2), { title: "Calm" });
  assert(!calm.svg.includes("diverged"), "nothing diverged, nothing marked");
});

Deno.test("evaluationsTable() compares networks' training and test accuracy", async () => {
  const set = takeExamples(train, Array.from({ length: 100 }, (_, i) => i));
  const evaluation = await evaluateNetwork(createNetwork(), { train: set, test: set });
  const rows = evaluationsTable({ a: evaluation, b: evaluation }).toRecords();
  assertEquals(rows.map((r) => r.network), ["a", "b"]);
  assertEquals(rows[0]["gap (points)"], 0);
  assertEquals(rows[0]["test accuracy (%)"], 100 * evaluation.test.accuracy);
});

Deno.test("augmentation figures: the gallery and the displacement field", () => {
  const settings = {
    augment: "none",
    shift: 2,
    rotation: 10,
    scale: 0.1,
    shear: 0,
    elasticAlpha: 34,
    elasticSigma: 4,
  } as const;
  const rows = augmentRows(settings);
  assertEquals(rows.map((r) => r.augment), [
    "affine",
    "affine",
    "affine",
    "affine",
    "elastic",
    "affine+elastic",
  ]);
  assertEquals([rows[1].shift, rows[1].rotation, rows[1].scale], [0, 10, 0], "rotation alone");
  assertEquals(augmentRows({ ...settings, elasticAlpha: 0, rotation: 0, scale: 0 }).length, 1);
  // The mirror and the erasing get a row each, alone, and one with everything.
  const clothes = augmentRows({ ...settings, mirror: 0.5, erase: 0.25 });
  assertEquals(clothes.length, rows.length + 3);
  assertEquals(clothes.slice(0, rows.length), rows, "the distortions' rows are as they were");
  assertEquals(clothes.slice(-3).map((r) => [r.augment, r.mirror, r.erase, r.shift]), [
    ["none", 0.5, 0, 0],
    ["none", 0, 0.25, 0],
    ["affine+elastic", 0.5, 0.25, 2],
  ]);
  const gallery = augmentationGallery(digit, rows, { title: "Gallery", count: 4 });
  fits(gallery, "Gallery");
  assertEquals(gallery.svg.match(/data:image\/png/g)?.length, rows.length * 5);
  assert(gallery.svg.includes(">affine: rotation ±10°</text>"), "each row says what it does");
  assert(gallery.svg.includes(">original</text>"));
  const field = displacementFigure(digit, elasticField({ seed: 2 }), { title: "Field" });
  fits(field, "Field");
  for (const text of ["dx: horizontal", "dy: vertical", "Where ink moves", "column (pixel)"]) {
    assert(field.svg.includes(text), text);
  }
  assertEquals(field.svg.match(/data:image\/png/g)?.length, 2, "the digit, then displaced");
});

Deno.test("variantsProgress() tells where a set of runs is", () => {
  const progress = { epoch: 2, epochs: 2, batch: 5, batches: 10, loss: 0.25 };
  const bundle = variantsProgress(1, 2, "adam <η>", progress, 30);
  assert(bundle["text/plain"].includes("87.5%"), bundle["text/plain"]);
  assert(bundle["text/plain"].includes("run 2/2 (adam <η>) · epoch 2/2"));
  assert(bundle["text/html"].includes("adam &lt;η&gt;"), "names are escaped in HTML");
});

Deno.test("trainVariantsLive() trains outside a kernel too and summarises the runs", async () => {
  const variants = activationVariants(["relu", "silu"], { sizes: [784, 8, 10] });
  const result = await trainVariantsLive(variants, train, {
    title: "Live",
    epochs: 2,
    batchSize: 100,
  });
  assertEquals(result.runs.map((r) => r.history.length), [2, 2]);
  assert(result.seconds > 0);
  const summary = result.summary.toString();
  assert(summary.startsWith("2 of 2 runs in"), summary);
  assert(summary.includes("silu (he-normal): "), "the notice names its run");
});
