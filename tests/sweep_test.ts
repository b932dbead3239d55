import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  activationVariants,
  backprop,
  createNetwork,
  describeAugment,
  displaceImage,
  displacementSize,
  elasticField,
  layerGradientNorms,
  learningRateSweep,
  learningRateVariants,
  loadDataset,
  matrix,
  neighbourChange,
  norm,
  normalizeImages,
  optimizerLabel,
  optimizerVariants,
  peakSlope,
  profileNetwork,
  Random,
  smoothedNoise,
  sweepPoints,
  takeExamples,
  trainVariants,
  type VariantRun,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const train = takeExamples(normalizeImages(mnist.train), Array.from({ length: 600 }, (_, i) => i));
const validation = takeExamples(
  normalizeImages(mnist.test),
  Array.from({ length: 300 }, (_, i) => i),
);
const batch = takeExamples(train, Array.from({ length: 128 }, (_, i) => i));
const deep = [784, 32, 32, 32, 32, 32, 10];

Deno.test("layerGradientNorms() is the norm of each weight layer's gradient", () => {
  const network = createNetwork({ sizes: [784, 16, 8, 10] });
  const gradients = backprop(network, batch.images, batch.labels);
  const norms = layerGradientNorms(gradients);
  assertEquals(norms.length, 3);
  norms.forEach((n, l) => assertEquals(n, norm(gradients.gradWeights[l].data)));
  assert(norms.every((n) => n > 0));
});

Deno.test("peakSlope() is the largest f'(z) of each activation", () => {
  assertEquals(peakSlope("sigmoid"), 0.25);
  assertEquals(peakSlope("relu"), 1);
  assertAlmostEquals(peakSlope("tanh"), 1, 1e-6, "tanh'(0)");
  assertAlmostEquals(peakSlope("silu"), 1.0998, 1e-3, "SiLU' at z ≈ 2.4");
});

Deno.test("profileNetwork(): a deep sigmoid network's gradient vanishes, ReLU with He's keeps it", () => {
  const sigmoid = profileNetwork(createNetwork({ sizes: deep, hidden: "sigmoid" }), batch);
  const relu = profileNetwork(createNetwork({ sizes: deep, hidden: "relu" }), batch);
  assertEquals(sigmoid.name, "sigmoid (uniform)");
  assertEquals(relu.name, "relu (he-normal)");
  assertEquals(sigmoid.activations.length, 5);
  assertEquals(sigmoid.activations[0].length, 128 * 32);
  assertEquals(sigmoid.gradientNorms.length, 6);
  // σ' ≤ 1/4: every hidden layer's mean slope is below it; ReLU's is the share of units that are on.
  assert(sigmoid.meanSlopes.every((s) => s > 0.2 && s <= 0.25), `${sigmoid.meanSlopes}`);
  assert(relu.meanSlopes.every((s) => s > 0.2 && s < 0.8), `${relu.meanSlopes}`);
  const ratio = (p: typeof sigmoid) => p.gradientNorms[0] / p.gradientNorms.at(-1)!;
  assert(ratio(sigmoid) < 0.05, `sigmoid: first ÷ last layer's gradient norm ${ratio(sigmoid)}`);
  assert(ratio(relu) > 0.3, `relu: first ÷ last layer's gradient norm ${ratio(relu)}`);
  // At initialisation no sigmoid unit is saturated; a ReLU unit that is off is.
  assert(sigmoid.saturated.every((s) => s === 0), `${sigmoid.saturated}`);
  assert(relu.saturated.every((s) => s > 0.2 && s < 0.8), `${relu.saturated}`);
  assert(sigmoid.loss > 0 && Number.isFinite(sigmoid.loss), `the batch's loss ${sigmoid.loss}`);
});

Deno.test("profileNetwork() counts a saturated sigmoid and does not change the network", () => {
  const network = createNetwork({ sizes: [784, 8, 10], hidden: "sigmoid" });
  network.biases[0].fill(10); // σ(10 + small) ≈ 1: flat
  const before = network.weights[0].data.slice();
  const profile = profileNetwork(network, batch, "pinned");
  assertEquals(profile.name, "pinned");
  assertEquals(profile.saturated, [1]);
  assertEquals(network.weights[0].data, before);
});

Deno.test("variant builders name their runs and set what they change", () => {
  assertEquals(
    optimizerLabel({ optimizer: "momentum", learningRate: 0.05, momentum: 0.9 }),
    "momentum η 0.05 μ 0.9",
  );
  assertEquals(
    optimizerLabel({ optimizer: "adamw", learningRate: 0.001, weightDecay: 0.01 }),
    "adamw η 0.001 λ 0.01",
  );
  assertEquals(
    optimizerLabel({ optimizer: "adam", learningRate: 0.001, momentum: 0.9 }),
    "adam η 0.001",
  );
  const optimizers = optimizerVariants([{ optimizer: "rmsprop", learningRate: 0.002 }], {
    sizes: [784, 10],
  });
  assertEquals(optimizers[0].training, { optimizer: "rmsprop", learningRate: 0.002 });
  const activations = activationVariants(["tanh", "silu"], { sizes: deep, init: "auto" });
  assertEquals(activations.map((v) => v.name), ["tanh (uniform)", "silu (he-normal)"]);
  assertEquals(activations[1].network, { sizes: deep, hidden: "silu", init: "he-normal" });
  const fixed = activationVariants(["relu"], { sizes: deep, init: "xavier-uniform" });
  assertEquals(fixed[0].name, "relu (xavier-uniform)");
  const rates = learningRateVariants([0.1, 1], { sizes: [784, 10] }, { optimizer: "sgd" });
  assertEquals(rates.map((v) => [v.name, v.training]), [
    ["η = 0.1", { optimizer: "sgd", learningRate: 0.1 }],
    ["η = 1", { optimizer: "sgd", learningRate: 1 }],
  ]);
});

Deno.test("trainVariants() trains a fresh seeded network per variant and keeps a diverged run", async () => {
  const network = { sizes: [784, 16, 10], seed: 3 };
  const variants = learningRateVariants([0.5, 1000], network, { optimizer: "sgd" });
  const started: string[] = [], ended: string[] = [];
  const runs = await trainVariants(variants, train, {
    epochs: 2,
    batchSize: 100,
    validation,
    onRunStart: (variant) => void started.push(variant.name),
    onRunEnd: (run) => void ended.push(run.name),
  });
  assertEquals(started, ["η = 0.5", "η = 1000"]);
  assertEquals(ended, started);
  assertEquals(runs[0].history.length, 2);
  assertEquals(runs[0].diverged, undefined);
  assert(runs[0].history[1].validationAccuracy! > 0.5, "η 0.5 learned");
  assert(runs[1].diverged?.includes("Training diverged"), `η 1000: ${runs[1].diverged}`);
  assert(runs[1].history.length < 2);
  assert(runs.every((run) => run.seconds > 0 && !run.stopped));
  // The same variant again gives the same weights: everything is seeded.
  const again = await trainVariants(variants.slice(0, 1), train, { epochs: 2, batchSize: 100 });
  assertEquals(again[0].network.weights, runs[0].network.weights);
});

Deno.test("trainVariants() reports what the engine cannot run, and stops on the abort signal", async () => {
  const notices: string[] = [];
  const controller = new AbortController();
  const variants = activationVariants(["silu", "relu"], { sizes: [784, 8, 10] });
  const runs = await trainVariants(variants, train, {
    epochs: 3,
    batchSize: 100,
    onNotice: (line) => void notices.push(line),
    onEpoch: () => controller.abort(),
    signal: controller.signal,
  });
  assertEquals(runs.length, 1, "the second variant never started");
  assert(runs[0].stopped);
  assertEquals(runs[0].history.length, 1);
  assert(runs[0].notice?.includes("reference engine"), runs[0].notice);
  assertEquals(notices, [runs[0].notice]);
});

Deno.test("sweepPoints() and learningRateSweep() report where each rate ended, sorted", async () => {
  const points = await learningRateSweep({ sizes: [784, 16, 10] }, train, [1000, 0.01, 2], {
    epochs: 2,
    batchSize: 100,
    validation,
  });
  assertEquals(points.map((p) => p.learningRate), [0.01, 2, 1000]);
  assertEquals(points.map((p) => p.diverged), [false, false, true]);
  assert(points[1].loss! < points[0].loss!, "η 2 beats η 0.01 in two epochs");
  assert(points[1].validationAccuracy! > 0.4, `${points[1].validationAccuracy}`);
  assertEquals(points[0].epochs, 2);
  const run = { name: "x", variant: { name: "x", network: {} }, history: [] };
  assertThrows(
    () => sweepPoints([run as unknown as VariantRun]),
    RangeError,
    "sets no learningRate",
  );
});

Deno.test("elasticField() is α times the smoothed noise of its seed", () => {
  const field = elasticField({ alpha: 34, sigma: 4, seed: 9 });
  const noise = smoothedNoise(new Random(9), 28, 28, 4);
  assertEquals([field.width, field.height, field.dx.length, field.dy.length], [28, 28, 784, 784]);
  for (const i of [0, 100, 783]) {
    assertAlmostEquals(field.dx[i], 34 * noise[i], 1e-5, `dx[${i}]`);
    assertAlmostEquals(field.dy[i], 34 * noise[784 + i], 1e-5, `dy[${i}]`);
  }
  const { mean, largest } = displacementSize(field);
  assert(mean > 0.8 && mean < 2.5, `α 34, σ 4 moves pixels by about 1.4 on average: ${mean}`);
  assert(largest >= mean);
  assertEquals(displacementSize(elasticField({ alpha: 0 })).largest, 0);
  // σ is the smoothness: with σ 4 neighbours move together, with σ 0.3 nearly independently.
  assert(neighbourChange(field) < 0.3 * mean, `σ 4: ${neighbourChange(field)} against ${mean}`);
  const rough = elasticField({ alpha: 34, sigma: 0.3, seed: 9 });
  assert(neighbourChange(rough) > displacementSize(rough).mean, "σ 0.3 tears");
  const shift = { width: 3, height: 2, dx: new Float32Array(6).fill(2), dy: new Float32Array(6) };
  assertEquals(neighbourChange(shift), 0, "a shift moves every pixel together");
  assertThrows(() => elasticField({ sigma: 0 }), RangeError, "sigma > 0");
});

Deno.test("displaceImage() reads each pixel from (x + dx, y + dy), bilinearly, 0 outside", () => {
  const image = Float32Array.from({ length: 12 }, (_, i) => i + 1); // 3 rows of 4
  const field = (dx: number, dy: number) => ({
    width: 4,
    height: 3,
    dx: new Float32Array(12).fill(dx),
    dy: new Float32Array(12).fill(dy),
  });
  assertEquals(displaceImage(image, field(0, 0)), image);
  assertEquals([...displaceImage(image, field(1, 0))], [2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 0]);
  assertEquals([...displaceImage(image, field(0, -1))], [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assertEquals(displaceImage(image, field(0.5, 0))[0], 1.5);
  assertThrows(() => displaceImage(new Float32Array(5), field(0, 0)), RangeError, "12");
  const digit = normalizeImages(mnist.train).images.data.subarray(0, 784);
  const moved = displaceImage(digit, elasticField({ seed: 1 }));
  let ink = 0, movedInk = 0;
  for (let i = 0; i < 784; i++) [ink, movedInk] = [ink + digit[i], movedInk + moved[i]];
  assertAlmostEquals(movedInk / ink, 1, 0.25, "an elastic distortion keeps about as much ink");
});

Deno.test("describeAugment() says what each kind of augmentation does", () => {
  const settings = {
    shift: 2,
    rotation: 10,
    scale: 0.1,
    shear: 0,
    elasticAlpha: 34,
    elasticSigma: 4,
  };
  assertEquals(
    describeAugment({ ...settings, augment: "affine" }),
    "affine: shift ±2 px, rotation ±10°, scale ±10%",
  );
  assertEquals(describeAugment({ ...settings, augment: "elastic" }), "elastic: α 34, σ 4");
  assertEquals(
    describeAugment({ ...settings, augment: "affine+elastic" }),
    "affine + elastic: shift ±2 px, rotation ±10°, scale ±10%; α 34, σ 4",
  );
  assertEquals(describeAugment({ ...settings, augment: "none" }), "no augmentation");
});

Deno.test("trainVariants() without variants trains nothing", async () => {
  assertEquals(await trainVariants([], { images: matrix(1, 2), labels: new Uint8Array(1) }), []);
});
