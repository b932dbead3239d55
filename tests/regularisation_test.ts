import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import {
  Augmenter,
  backwardLayers,
  cloneNetwork,
  createNetwork,
  createWorkspace,
  crossEntropy,
  type Dropout,
  forwardLayers,
  gradientCheck,
  learningRateAt,
  loadDataset,
  matrix,
  normalizeImages,
  Random,
  takeExamples,
  train,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const subset = takeExamples(
  normalizeImages(mnist.train),
  Array.from({ length: 1000 }, (_, i) => i),
);
const held = takeExamples(normalizeImages(mnist.test), Array.from({ length: 500 }, (_, i) => i));

Deno.test("backprop() through SiLU layers agrees with finite differences", () => {
  const network = createNetwork({ sizes: [6, 5, 4, 3], hidden: "silu", seed: 4 });
  const x = matrix(4, 6, Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)));
  for (const row of gradientCheck(network, x, [0, 2, 1, 2], { epsilon: 1e-3 })) {
    assert(
      row.worstRelativeError < 2e-2,
      `${row.parameters} ${row.layer}: ${row.worstRelativeError}`,
    );
  }
});

Deno.test("dropout: the backward pass is the gradient of the loss with the same masks", () => {
  const network = createNetwork({ sizes: [6, 7, 5, 3], hidden: "relu", seed: 8 });
  const x = matrix(5, 6, Float32Array.from({ length: 30 }, (_, i) => Math.cos(i) + 0.5));
  const labels = [0, 1, 2, 1, 0];
  const dropout: Dropout = { rates: [0.2, 0.5, 0.3], seed: 11, step: 3 };
  const space = createWorkspace(network, 5);
  const activations = forwardLayers(network, x, space, dropout);
  const dropped = activations[1].data.filter((v) => v === 0).length;
  assert(dropped > 0, "some units are dropped");
  const analytic = backwardLayers(network, activations, labels, space, dropout);
  const loss = () => crossEntropy(forwardLayers(network, x, undefined, dropout).at(-1)!, labels);
  const W = network.weights[0].data, G = analytic.gradWeights[0].data;
  for (const i of [0, 3, 10, 20, 33]) {
    const original = W[i], h = 1e-3;
    W[i] = original + h;
    const plus = loss();
    W[i] = original - h;
    const minus = loss();
    W[i] = original;
    assertAlmostEquals(G[i], (plus - minus) / (2 * h), 2e-3, `weight ${i}`);
  }
});

/** Every distortion at zero: an augmentation that asks for nothing. */
const undistorted = {
  augment: "none" as const,
  shift: 0,
  rotation: 0,
  scale: 0,
  shear: 0,
  elasticAlpha: 0,
  elasticSigma: 4,
};

Deno.test("Augmenter: nothing asked, nothing changed; a shift moves pixels; the same seed, the same distortions", () => {
  const image = subset.images.data.slice(0, 784);
  const none = { ...undistorted, augment: "affine" as const };
  const same = new Augmenter(none).distort(image, new Float32Array(784));
  same.forEach((v, i) => assertAlmostEquals(v, image[i], 1e-6));
  const both = {
    ...none,
    augment: "affine+elastic" as const,
    shift: 2,
    rotation: 15,
    elasticAlpha: 34,
  };
  const a = new Augmenter(both, 28, 28, 5).distort(image, new Float32Array(784));
  const b = new Augmenter(both, 28, 28, 5).distort(image, new Float32Array(784));
  assertEquals(a, b);
  const c = new Augmenter(both, 28, 28, 6).distort(image, new Float32Array(784));
  assert(a.some((v, i) => v !== c[i]), "another seed, another distortion");
  const sum = (p: Float32Array) => p.reduce((s, v) => s + v, 0);
  assert(Math.abs(sum(a) - sum(image)) / sum(image) < 0.3, "the ink is about the same");
  assert(a.every((v) => v >= -1e-6 && v <= 1 + 1e-6), "bilinear values stay in [0, 1]");
});

Deno.test("Augmenter: a mirror flips left to right as often as asked, and leaves the other draws as they were", () => {
  const image = subset.images.data.slice(0, 784);
  const flipped = new Augmenter({ ...undistorted, mirror: 1 }).distort(
    image,
    new Float32Array(784),
  );
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      assertAlmostEquals(flipped[y * 28 + x], image[y * 28 + 27 - x], 1e-6, `pixel (${x}, ${y})`);
    }
  }
  assert(flipped.some((v, i) => v !== image[i]), "the digit is not symmetric");
  const half = new Augmenter({ ...undistorted, mirror: 0.5 }, 28, 28, 9);
  let mirrored = 0;
  for (let k = 0; k < 400; k++) {
    const out = half.distort(image, new Float32Array(784));
    if (out.every((v, i) => Math.abs(v - flipped[i]) < 1e-6)) mirrored++;
  }
  assert(mirrored > 160 && mirrored < 240, `mirrored ${mirrored} of 400 at a chance of ½`);
  // Absent or 0, the mirror draws nothing: the affine distortions of a seed stay the same.
  const affine = { ...undistorted, augment: "affine" as const, shift: 2, rotation: 10 };
  assertEquals(
    new Augmenter({ ...affine, mirror: 0 }, 28, 28, 4).distort(image, new Float32Array(784)),
    new Augmenter(affine, 28, 28, 4).distort(image, new Float32Array(784)),
  );
});

Deno.test("Augmenter: an erasing fills one rectangle of 2% to 40% of the image with noise, as often as asked", () => {
  const image = subset.images.data.slice(0, 784);
  const always = new Augmenter({ ...undistorted, erase: 1 }, 28, 28, 3);
  const areas: number[] = [];
  for (let k = 0; k < 300; k++) {
    const out = always.distort(image, new Float32Array(784));
    // The changed pixels' bounding box: every pixel inside it is noise in [0, 1], outside untouched.
    let [top, left, bottom, right] = [28, 28, -1, -1];
    for (let i = 0; i < 784; i++) {
      if (out[i] === image[i]) continue;
      const y = Math.floor(i / 28), x = i % 28;
      [top, left, bottom, right] = [
        Math.min(top, y),
        Math.min(left, x),
        Math.max(bottom, y),
        Math.max(right, x),
      ];
    }
    assert(bottom >= 0, `image ${k}: nothing erased at a chance of 1`);
    for (let i = 0; i < 784; i++) {
      const y = Math.floor(i / 28), x = i % 28;
      const inside = y >= top && y <= bottom && x >= left && x <= right;
      assert(inside || out[i] === image[i], `image ${k}: pixel (${x}, ${y}) changed outside`);
      assert(!inside || (out[i] >= 0 && out[i] < 1), `image ${k}: pixel (${x}, ${y}) not noise`);
    }
    areas.push((bottom - top + 1) * (right - left + 1) / 784);
  }
  // Rounding a side moves the area a little past the drawn 2%–40%.
  assert(
    Math.min(...areas) >= 0.01 && Math.max(...areas) <= 0.45,
    `areas ${Math.min(...areas)}–${Math.max(...areas)}`,
  );
  const mean = areas.reduce((s, a) => s + a, 0) / areas.length;
  assert(mean > 0.15 && mean < 0.27, `mean area ${mean}, expected about 21%`);
  const half = new Augmenter({ ...undistorted, erase: 0.5 }, 28, 28, 9);
  let erased = 0;
  for (let k = 0; k < 400; k++) {
    const out = half.distort(image, new Float32Array(784));
    if (out.some((v, i) => Math.abs(v - image[i]) > 1e-6)) erased++;
  }
  assert(erased > 160 && erased < 240, `erased ${erased} of 400 at a chance of ½`);
  // Absent or 0, the erasing draws nothing: a seed's mirrors and shifts stay the same.
  const shifted = { ...undistorted, augment: "affine" as const, shift: 2, mirror: 0.5 };
  assertEquals(
    new Augmenter({ ...shifted, erase: 0 }, 28, 28, 4).distort(image, new Float32Array(784)),
    new Augmenter(shifted, 28, 28, 4).distort(image, new Float32Array(784)),
  );
});

Deno.test("learningRateAt() warms up linearly, then runs the schedule over the epochs left", () => {
  const settings = {
    learningRate: 0.1,
    schedule: "cosine",
    stepEvery: 1,
    stepFactor: 1,
    epochs: 13,
    warmupEpochs: 3,
  } as const;
  assertAlmostEquals(learningRateAt(settings, 1), 0.025, 1e-12);
  assertAlmostEquals(learningRateAt(settings, 3), 0.075, 1e-12);
  assertAlmostEquals(learningRateAt(settings, 4), 0.1, 1e-12);
  assertAlmostEquals(learningRateAt(settings, 9), 0.05, 1e-12);
});

Deno.test("train() with early stopping ends holding its best validation epoch", async () => {
  const network = createNetwork({ sizes: [784, 32, 10], seed: 3 });
  const snapshots: ReturnType<typeof cloneNetwork>[] = [];
  const { history, bestEpoch } = await train(network, subset, {
    epochs: 40,
    learningRate: 0.5,
    momentum: 0.9,
    validation: held,
    earlyStopping: 2,
    onEpoch: (_, current) => {
      snapshots.push(cloneNetwork(current));
    },
  });
  const losses = history.map((r) => r.validationLoss!);
  assertEquals(bestEpoch, losses.indexOf(Math.min(...losses)) + 1);
  assert(history.length < 40 && history.length - bestEpoch! === 2, `stopped at ${history.length}`);
  assertEquals(network.weights, snapshots[bestEpoch! - 1].weights);
});

Deno.test("train() says once which part the WebAssembly engine runs on the reference path, and why", async () => {
  const notices: string[] = [];
  const run = (engine: "wasm" | "reference") =>
    train(createNetwork({ sizes: [784, 16, 10], hidden: "silu", seed: 2 }), subset, {
      epochs: 2,
      learningRate: 0.1,
      inputDropout: 0.2,
      engine,
      onNotice: (line) => notices.push(line),
    });
  const [wasm, reference] = [await run("wasm"), await run("reference")];
  assertEquals(notices.length, 1);
  assert(notices[0].includes("do not have the silu activation ("), notices[0]);
  assertEquals(wasm.network.weights, reference.network.weights);
});

Deno.test("every optimizer, with dropout, takes the same steps on the WebAssembly and the reference engine", async (t) => {
  for (const optimizer of ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"] as const) {
    await t.step(optimizer, async () => {
      const adaptive = ["rmsprop", "adam", "adamw"].includes(optimizer);
      const settings = {
        epochs: 1,
        optimizer,
        learningRate: adaptive ? 0.001 : 0.1,
        momentum: 0.9,
        weightDecay: 1e-3,
        dropout: [0.3, 0.2],
        inputDropout: 0.2,
        seed: 5,
      };
      const fast = createNetwork({ sizes: [784, 32, 16, 10], hidden: "relu", seed: 1 });
      const reference = cloneNetwork(fast);
      const notices: string[] = [];
      const a = await train(fast, subset, {
        ...settings,
        engine: "wasm",
        onNotice: (l) => notices.push(l),
      });
      const b = await train(reference, subset, { ...settings, engine: "reference" });
      assertEquals(notices, [], "it ran on the WebAssembly engine");
      let worst = 0;
      fast.weights.forEach((w, l) =>
        w.data.forEach((
          v,
          i,
        ) => (worst = Math.max(worst, Math.abs(v - reference.weights[l].data[i]))))
      );
      assert(worst < 2e-4, `largest weight difference ${worst}`);
      assertAlmostEquals(a.history[0].loss, b.history[0].loss, 1e-4);
    });
  }
});

Deno.test("an augmented epoch on the WebAssembly engine agrees with the reference engine", async () => {
  const settings = {
    epochs: 1,
    learningRate: 0.1,
    momentum: 0.9,
    augment: "affine+elastic" as const,
    seed: 9,
  };
  const fast = createNetwork({ sizes: [784, 24, 10], seed: 1 });
  const reference = cloneNetwork(fast);
  await train(fast, subset, { ...settings, engine: "wasm" });
  await train(reference, subset, { ...settings, engine: "reference" });
  let worst = 0;
  fast.weights.forEach((w, l) =>
    w.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference.weights[l].data[i]))))
  );
  assert(worst < 1e-4, `largest difference ${worst}`);
  void Random;
});

Deno.test("Adam, dropout and augmentation give bit-identical weights on 1, 2 or 3 threads", async () => {
  const run = async (threads: number) => {
    const network = createNetwork({ sizes: [784, 40, 24, 10], hidden: "relu", seed: 6 });
    await train(network, subset, {
      epochs: 2,
      optimizer: "adamw",
      learningRate: 0.002,
      weightDecay: 0.01,
      dropout: [0.4],
      augment: "affine+elastic",
      threads,
    });
    return network;
  };
  const one = await run(1);
  for (const threads of [2, 3]) {
    assertEquals((await run(threads)).weights, one.weights, `${threads} threads`);
  }
});
