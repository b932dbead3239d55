/**
 * Notebook 13's parts: what enters each activation of a sequential network, a committee's votes
 * and disagreements, variants of sequential networks (a learning-rate sweep of CNN twins), and the
 * figures and the table of marks drawn from them; test-time augmentation by shifted copies.
 */
import { fits } from "./figure_fits.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import {
  activationInputs,
  activationInputsChart,
  classify,
  classifyWithShifts,
  committeeVotes,
  committeeVotesFigure,
  createNetwork,
  createSequential,
  disagreements,
  fromRows,
  isSequential,
  layersOf,
  learningRateToleranceChart,
  learningRateVariants,
  loadDataset,
  marksTable,
  meanProbabilities,
  mirrorImages,
  normalizeImages,
  profileRuns,
  PUBLISHED_MARKS,
  shiftImages,
  sweepPoints,
  takeExamples,
  trainVariants,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const train = takeExamples(normalizeImages(mnist.train), Array.from({ length: 300 }, (_, i) => i));
const batch = takeExamples(train, Array.from({ length: 32 }, (_, i) => i));

Deno.test("activationInputs() gives what enters each activation, as the layers compute it", () => {
  const network = createSequential({
    layers: "conv(4,3) batchnorm relu maxpool(2) flatten dense(8) tanh dropout(0.5)",
    seed: 7,
  });
  const inputs = activationInputs(network, batch.images);
  assertEquals(inputs.map((a) => [a.index, a.activation, a.after]), [
    [1, "relu", "conv(4,3) batchnorm"],
    [2, "tanh", "maxpool(2) flatten dense(8)"],
  ]);
  // The same values, layer by layer: conv → batchnorm enters the ReLU, dense enters tanh.
  const layers = layersOf(network);
  let a = batch.images;
  const expected: Float32Array[] = [];
  for (const [i, spec] of network.layers.entries()) {
    if (spec.type === "activation") expected.push(Float32Array.from(a.data));
    a = layers[i].forward(a);
  }
  assertEquals(inputs.map((x) => x.values), expected);
  assertEquals(inputs[0].values.length, 32 * 4 * 28 * 28);
  // Inference mode: the untrained running statistics (mean 0, variance 1) leave z = γx + β = x.
  const conv = layersOf(network)[0].forward(batch.images);
  assertAlmostEquals(inputs[0].values[123], conv.data[123] / Math.sqrt(1 + 1e-5), 1e-6);
});

Deno.test("committeeVotes() and disagreements(): each member's vote, the mean's, the divided first", () => {
  const members = [
    fromRows([[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.4, 0.3, 0.3]]),
    fromRows([[0.8, 0.2, 0], [0.6, 0.3, 0.1], [0.1, 0.5, 0.4]]),
    fromRows([[0.7, 0.3, 0], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]),
  ];
  const votes = committeeVotes(members);
  assertEquals(votes.members.map((m) => [...m]), [[0, 1, 0], [0, 0, 1], [0, 1, 2]]);
  assertEquals([...votes.committee], [0, 1, 2]);
  assertAlmostEquals(votes.confidence[0], 0.8, 1e-6);
  // Image 2 got three classes, image 1 two, image 0 one (not a disagreement).
  assertEquals(disagreements(votes), [2, 1]);
  const mean = meanProbabilities(members);
  assertAlmostEquals(mean.data[3], 0.3, 1e-6);
  assertThrows(() => meanProbabilities([]), RangeError, "no member");
  assertThrows(
    () => meanProbabilities([members[0], fromRows([[1, 0, 0]])]),
    RangeError,
    "member 2 gave 1×3 probabilities, member 1 3×3",
  );
});

Deno.test("a learning-rate sweep of sequential twins: the variants train CNNs, the chart draws both", async () => {
  const twins = {
    "with batch normalisation": "conv(4,3,0) batchnorm relu maxpool(2) flatten",
    without: "conv(4,3,0) relu maxpool(2) flatten",
  };
  const rates = [0.05, 50];
  const runs = await trainVariants(
    Object.entries(twins).flatMap(([name, layers]) =>
      learningRateVariants(rates, { layers, seed: 3 }).map((v) => ({
        ...v,
        name: `${name}, ${v.name}`,
      }))
    ),
    train,
    { epochs: 1, batchSize: 50, optimizer: "momentum", momentum: 0.9, validation: batch },
  );
  assertEquals(runs.length, 4);
  assert(
    runs.every((run) => isSequential(run.network)),
    "every variant trained a sequential network",
  );
  const sweeps = Object.fromEntries(
    Object.keys(twins).map((
      name,
    ) => [name, sweepPoints(runs.filter((r) => r.name.startsWith(`${name},`)))]),
  );
  assertEquals(sweeps.without.map((p) => p.learningRate), rates);
  assert(sweeps.without[0].validationAccuracy! > 0.2, "η 0.05 learns something in one epoch");
  const title = "Accuracy after 1 epoch at each learning rate";
  const figure = learningRateToleranceChart(sweeps, { title });
  fits(figure, title);
  for (const name of Object.keys(twins)) assert(figure.svg.includes(name), `${name} in the key`);
  // Profiles measure an MLP's hidden layers: a CNN variant is refused by name.
  assertThrows(
    () => profileRuns(runs.slice(0, 1), batch),
    TypeError,
    "with batch normalisation, η = 0.05",
  );
});

Deno.test("activationInputsChart(), committeeVotesFigure() and marksTable() draw what they are given", () => {
  const network = createSequential({
    layers: "conv(4,3) batchnorm relu flatten dense(8) relu",
    seed: 1,
  });
  const plain = createSequential({ layers: "conv(4,3) relu flatten dense(8) relu", seed: 1 });
  const title = "What enters each ReLU";
  const chart = activationInputsChart(
    {
      with: activationInputs(network, batch.images),
      without: activationInputs(plain, batch.images),
    },
    { title },
  );
  fits(chart, title);
  assert(chart.svg.includes("into relu 2, after flatten dense(8)"), "each panel names its layers");
  assertThrows(
    () =>
      activationInputsChart({
        with: activationInputs(network, batch.images),
        short: activationInputs(
          createSequential({ layers: "flatten dense(4) relu" }),
          batch.images,
        ),
      }, { title }),
    RangeError,
    `"with" has 2 activations, "short" 1`,
  );

  const votes = committeeVotes([
    fromRows([[0.9, 0.1], [0.4, 0.6]]),
    fromRows([[0.8, 0.2], [0.7, 0.3]]),
  ]);
  const examples = takeExamples(train, [0, 1]);
  const figure = committeeVotesFigure(examples, votes, disagreements(votes), {
    title: "Votes",
    classNames: ["0", "1"],
  });
  fits(figure, "Votes");
  assert(figure.svg.includes("1 0 → 0"), "the image shows both votes and the committee's");

  const own = [{
    dataset: "MNIST",
    kind: "committee",
    model: "3 small CNNs",
    accuracy: 0.98,
    source: "this notebook",
  }] as const;
  const marks = marksTable([...own], "MNIST");
  const published = PUBLISHED_MARKS.filter((m) => m.dataset === "MNIST").length;
  assertEquals(marks.rows.length, published + 1);
  const accuracies = marks.rows.map((row) => Number(row["test accuracy"]));
  assertEquals(accuracies, [...accuracies].sort((a, b) => b - a), "best first");
  assertEquals(marks.rows.at(-1)!.whose, "this project");
  assertEquals(marksTable([...own], "Fashion-MNIST").rows.length, 2, "Fashion-MNIST's own marks");
});

Deno.test("shiftImages() moves every image a whole pixel, filling with background; bad shifts are refused", () => {
  const images = fromRows([[1, 2, 3, 4, 5, 6, 7, 8, 9], [9, 8, 7, 6, 5, 4, 3, 2, 1]]);
  assertEquals([...shiftImages(images, 1, 0).data.subarray(0, 9)], [0, 1, 2, 0, 4, 5, 0, 7, 8]);
  assertEquals([...shiftImages(images, 0, -1).data.subarray(9)], [6, 5, 4, 3, 2, 1, 0, 0, 0]);
  assertEquals([...shiftImages(images, -1, 1).data.subarray(0, 9)], [0, 0, 0, 2, 3, 0, 5, 6, 0]);
  assertEquals([...shiftImages(images, 0, 0).data], [...images.data]);
  assertEquals([...images.data.subarray(0, 3)], [1, 2, 3], "the images are left alone");
  assertThrows(() => shiftImages(fromRows([[1, 2, 3]]), 1, 0), RangeError, "found 3 columns");
  assertThrows(() => shiftImages(images, 0.5, 0), RangeError, "expected dx to be a whole number");
  assertThrows(() => shiftImages(images, 0, 9), RangeError, "found 9");
});

Deno.test("mirrorImages() flips every image left to right and leaves the images alone", () => {
  const images = fromRows([[1, 2, 3, 4, 5, 6, 7, 8, 9], [9, 8, 7, 6, 5, 4, 3, 2, 1]]);
  const mirrored = mirrorImages(images);
  assertEquals([...mirrored.data], [3, 2, 1, 6, 5, 4, 9, 8, 7, 7, 8, 9, 4, 5, 6, 1, 2, 3]);
  assertEquals([...mirrorImages(mirrored).data], [...images.data], "twice is the identity");
  assertEquals([...images.data.subarray(0, 3)], [1, 2, 3], "the images are left alone");
  assertThrows(() => mirrorImages(fromRows([[1, 2, 3]])), RangeError, "found 3 columns");
});

Deno.test("classifyWithShifts() is the mean over members and views; the unshifted view alone is classify()", async () => {
  const members = [1, 2].map((seed) => createNetwork({ sizes: [784, 16, 10], seed }));
  const images = batch.images;
  const plain = await classifyWithShifts(members.slice(0, 1), images, { shifts: [[0, 0]] });
  assertEquals(plain.data, (await classify(members[0], images)).data);
  const both = await classifyWithShifts(members, images, { shifts: [[0, 0], [1, 0]] });
  const views = [images, shiftImages(images, 1, 0)];
  const each = [];
  for (const view of views) for (const m of members) each.push(await classify(m, view));
  for (const i of [0, 5, 99, 319]) {
    assertAlmostEquals(both.data[i], each.reduce((s, p) => s + p.data[i], 0) / 4, 1e-6);
  }
  assertEquals(
    (await classifyWithShifts(members, images)).rows,
    images.rows,
    "five views by default",
  );
  const mirrored = await classifyWithShifts(members.slice(0, 1), images, {
    shifts: [[1, 0]],
    mirrored: true,
  });
  const shifted = shiftImages(images, 1, 0);
  const pair = [
    await classify(members[0], shifted),
    await classify(members[0], mirrorImages(shifted)),
  ];
  for (const i of [0, 7, 200]) {
    assertAlmostEquals(mirrored.data[i], (pair[0].data[i] + pair[1].data[i]) / 2, 1e-6);
  }
  await assertRejects(() => classifyWithShifts([], images), RangeError, "at least one member");
});
