import { assert, assertAlmostEquals, assertEquals, assertRejects } from "./assert.ts";
import { loadDataset } from "../lib/mod.ts";
import { cloneNetwork, createNetwork } from "../lib/mod.ts";
import { normalizeImages, takeExamples } from "../lib/mod.ts";
import { matrix, SETTINGS, TRAINING_CHECKS, TRAINING_DEFAULTS } from "../lib/mod.ts";
import {
  accuracy,
  divergence,
  type EpochRecord,
  learningRateAt,
  oneCycleRate,
  predictProbabilities,
  train,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const all = normalizeImages(mnist.train);
const subset = takeExamples(all, Array.from({ length: 2000 }, (_, i) => i));
const test = takeExamples(normalizeImages(mnist.test), Array.from({ length: 2000 }, (_, i) => i));
const testAccuracy = (network: ReturnType<typeof createNetwork>) =>
  accuracy(predictProbabilities(network, test.images), test.labels);
const withoutTime = (history: EpochRecord[]) => history.map(({ seconds: _, ...rest }) => rest);

Deno.test("train() lowers the loss and passes an accuracy floor on a small subset", async () => {
  const network = createNetwork();
  const before = testAccuracy(network);
  const { history, stopped } = await train(network, subset, {
    epochs: 5,
    learningRate: 0.3,
    momentum: 0.9,
    validation: test,
  });
  assert(!stopped);
  assertEquals(history.map((r) => r.epoch), [1, 2, 3, 4, 5]);
  assert(history[4].loss < history[0].loss, `loss ${history[0].loss} → ${history[4].loss}`);
  const after = testAccuracy(network);
  assert(after > 0.75, `test accuracy after 5 epochs on 2,000 images: ${after}`);
  assert(after > before + 0.5, "it learned");
  assertEquals(history[4].validationAccuracy, after);
  assert(history.every((r) => r.trainAccuracy > 0 && r.seconds > 0));
});

Deno.test("train() gives an identical history and identical weights for the same seed", async () => {
  const run = async (seed: number) => {
    const network = createNetwork({ seed: 7 });
    const { history } = await train(network, subset, {
      epochs: 2,
      learningRate: 0.3,
      momentum: 0.5,
      seed,
      validation: test,
    });
    return { network, history: withoutTime(history) };
  };
  const [a, b, c] = [await run(1), await run(1), await run(2)];
  assertEquals(a.history, b.history);
  assertEquals(a.network.weights, b.network.weights);
  assert(a.history[1].loss !== c.history[1].loss, "another shuffle seed, another history");
});

Deno.test("train() does full-batch gradient descent with batchSize 'full'", async () => {
  const network = createNetwork({ sizes: [784, 32, 10], init: { kind: "normal", std: 0.01 } });
  const progress: number[] = [];
  const { history } = await train(network, subset, {
    epochs: 4,
    batchSize: "full",
    learningRate: 1,
    onProgress: (p) => {
      progress.push(p.batches);
    },
  });
  assert(progress.every((batches) => batches === 1), "one batch per epoch");
  assert(history[3].loss < history[0].loss, "the loss falls");
});

Deno.test("train() stops a diverging run naming the epoch and batch, and keeps the last good model", async () => {
  const network = createNetwork({ sizes: [784, 64, 10], hidden: "relu", init: "he-normal" });
  const original = cloneNetwork(network);
  await assertRejects(
    () => train(network, subset, { epochs: 3, learningRate: 1e10 }),
    RangeError,
    "Training diverged at epoch 1, batch",
  );
  const error = await assertRejects(
    () => train(network, subset, { epochs: 3, learningRate: 1e10 }),
    RangeError,
  );
  assert(
    error.message.includes(
      "the loss is NaN. Try a smaller learning rate (learningRate, --learning-rate) than 10000000000",
    ),
    error.message,
  );
  assertEquals(network.weights, original.weights, "the network keeps the model of epoch 0");
});

Deno.test("train() stopped by an AbortSignal keeps the model of its last completed epoch", async () => {
  const network = createNetwork();
  const controller = new AbortController();
  let afterSecond: ReturnType<typeof cloneNetwork> | undefined;
  const { history, stopped } = await train(network, subset, {
    epochs: 10,
    learningRate: 0.5,
    signal: controller.signal,
    progressEvery: 1,
    onEpoch: (record, current) => {
      if (record.epoch === 2) {
        afterSecond = cloneNetwork(current);
        controller.abort();
      }
    },
  });
  assert(stopped);
  assertEquals(history.length, 2);
  assertEquals(network.weights, afterSecond!.weights);
  assertEquals(network.biases, afterSecond!.biases);
});

Deno.test("learningRateAt() follows each schedule", () => {
  const base = { learningRate: 0.1, stepEvery: 10, stepFactor: 0.5, epochs: 100 };
  assertEquals(learningRateAt({ ...base, schedule: "constant" }, 50), 0.1);
  assertEquals(learningRateAt({ ...base, schedule: "cosine" }, 1), 0.1);
  assert(Math.abs(learningRateAt({ ...base, schedule: "cosine" }, 51) - 0.05) < 1e-12);
  assertEquals(learningRateAt({ ...base, learningRate: 1, schedule: "step" }, 21), 0.25);
});

Deno.test("one-cycle rises to its peak at 30% of the steps and falls to η/25 000, step by step", async () => {
  assertAlmostEquals(oneCycleRate(0.01, 0), 0.0004, 1e-15);
  assertAlmostEquals(oneCycleRate(0.01, 0.15), (0.0004 + 0.01) / 2, 1e-15);
  assertAlmostEquals(oneCycleRate(0.01, 0.3), 0.01, 1e-15);
  assertAlmostEquals(oneCycleRate(0.01, 1), 0.01 / 25_000, 1e-15);
  const rates = Array.from({ length: 101 }, (_, i) => oneCycleRate(1, i / 100));
  assert(rates.slice(0, 31).every((r, i) => i === 0 || r > rates[i - 1]), "rises to the peak");
  assert(rates.slice(30).every((r, i) => i === 0 || r < rates[29 + i]), "then only falls");
  // The loop moves it every step: two full-batch steps of plain descent under one-cycle are the
  // steps at η/25 (progress 0) and at the rate of progress ½, taken one run after the other.
  const settings = { batchSize: "full", optimizer: "sgd", engine: "reference" } as const;
  const cycled = createNetwork({ sizes: [784, 4, 10], seed: 3 });
  await train(cycled, subset, { ...settings, epochs: 2, learningRate: 0.5, schedule: "onecycle" });
  const stepwise = createNetwork({ sizes: [784, 4, 10], seed: 3 });
  for (const progress of [0, 0.5]) {
    await train(stepwise, subset, {
      ...settings,
      epochs: 1,
      learningRate: oneCycleRate(0.5, progress),
    });
  }
  assertEquals(cycled.weights, stepwise.weights);
  // Within an epoch too: of one epoch's two batches, the second runs at the rate of progress ½,
  // so the run differs from one that holds the first step's η/25 all epoch.
  const half = { ...settings, batchSize: subset.labels.length / 2, epochs: 1 };
  const moving = createNetwork({ sizes: [784, 4, 10], seed: 3 });
  await train(moving, subset, { ...half, learningRate: 0.5, schedule: "onecycle" });
  const held = createNetwork({ sizes: [784, 4, 10], seed: 3 });
  await train(held, subset, { ...half, learningRate: oneCycleRate(0.5, 0) });
  assert(
    moving.weights[0].data.some((w, i) => w !== held.weights[0].data[i]),
    "the rate moved within the epoch",
  );
});

Deno.test("train() rejects bad settings by name", async () => {
  const network = createNetwork();
  await assertRejects(
    () => train(network, subset, { epochs: 0 }),
    RangeError,
    "Cannot train: expected epochs to be a positive integer, found 0",
  );
  await assertRejects(
    () => train(network, subset, { learningRate: -1 }),
    RangeError,
    "Cannot train: expected learningRate to be a positive number, found -1",
  );
  await assertRejects(
    () => train(createNetwork({ sizes: [10, 10] }), subset),
    RangeError,
    "Cannot train: the training rows have 784 values but the network takes 10 inputs",
  );
  await assertRejects(
    () => train(createNetwork({ sizes: [784, 9] }), subset),
    RangeError,
    "Cannot train: training label 4 is 9, but the network has 9 outputs (labels 0 to 8)",
  );
  await assertRejects(
    () => train(network, subset, { engine: "gpu" as never }),
    RangeError,
    'Cannot train: expected engine to be one of auto, native, wasm, reference, found "gpu"',
  );
});

Deno.test("divergence() catches a loss that explodes while staying finite, and accuracy back at chance", () => {
  const epoch = (n: number, loss: number, trainAccuracy = 0.5) => ({
    epoch: n,
    loss,
    trainAccuracy,
    learningRate: 0.1,
    seconds: 1,
  });
  const history = [epoch(1, 0.9), epoch(2, 0.5)];
  assertEquals(divergence(epoch(3, 0.45), history, 10), undefined);
  assert(divergence(epoch(3, 7.5), history, 10)?.includes("the mean loss rose to 7.50 from 0.50"));
  assert(divergence(epoch(3, 0.6, 0.1), history, 10)?.includes("fell to 10.0%, chance level"));
  assert(divergence(epoch(1, 40), [], 10)?.includes("the mean loss is 40.00"));
  assertEquals(
    divergence(epoch(1, 2.4), [], 10),
    undefined,
    "an untrained start is not divergence",
  );
});

Deno.test("TRAINING_CHECKS say what SETTINGS say, and accept what they accept", () => {
  const probes: unknown[] = [
    ...[-1, 0, 1e-9, 0.3, 0.5, 0.99, 1, 2, 2.5, 13.9, 14, 28, 45, 89, 90, 1000, 1001, 2 ** 32],
    ...[NaN, Infinity, "full", "auto", "", "sgd", "adam", "cosine", "elastic", "native", "gpu"],
    ...[[], [0.5], [0.5, 1], null, undefined],
  ];
  for (const key of Object.keys(TRAINING_DEFAULTS) as (keyof typeof TRAINING_CHECKS)[]) {
    const loop = TRAINING_CHECKS[key], run = SETTINGS[key];
    // The loop takes any number of threads: the engine refuses more than it was built for.
    if (key === "threads") {
      assertEquals(loop.expected, 'a positive integer, or "auto" for every core');
      assert(loop.accepts(64) && loop.accepts("auto") && !loop.accepts(0));
      continue;
    }
    assertEquals(loop.expected, run.expected, key);
    for (const value of probes) {
      assertEquals(loop.accepts(value), run.accepts(value), `${key}: ${JSON.stringify(value)}`);
    }
  }
});

Deno.test("train() leaves the thread limit to the engine, which refuses more than it was built for", async () => {
  const network = createNetwork({ sizes: [2, 4, 2] });
  const data = {
    images: matrix(2, 2, new Float32Array([0, 1, 1, 0])),
    labels: new Uint8Array([0, 1]),
  };
  await assertRejects(
    () => train(network, data, { epochs: 1, batchSize: 2, engine: "wasm", threads: 9 }),
    RangeError,
    "Cannot use the WebAssembly engine: expected threads to be an integer from 1 to 4, found 9",
  );
  const { history } = await train(network, data, {
    epochs: 1,
    batchSize: 2,
    engine: "reference",
    threads: 9,
  });
  assertEquals(history.length, 1);
});
