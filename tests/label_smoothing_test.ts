/**
 * Label smoothing: the loss against targets y′ = (1 − ε)·onehot + ε/K, its gradient checked
 * against finite differences for the MLP and for a sequential network, and the same steps on
 * every engine.
 */
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import {
  backwardLayers,
  cloneNetwork,
  createNetwork,
  createSequential,
  createWorkspace,
  crossEntropy,
  forwardLayers,
  fromRows,
  loadDataset,
  matrix,
  normalizeImages,
  sequentialModel,
  smoothedCrossEntropy,
  takeExamples,
  train,
} from "../lib/mod.ts";
import { FAST_ENGINES, largestDifference, trainOn } from "./fast_engines.ts";

const engines = FAST_ENGINES;

const mnist = await loadDataset("mnist");
const subset = takeExamples(normalizeImages(mnist.train), Array.from({ length: 300 }, (_, i) => i));

const largest = largestDifference;

Deno.test("smoothedCrossEntropy(): ε = 0 is the cross-entropy; otherwise the mean over the smoothed targets", () => {
  const p = fromRows([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]);
  assertEquals(smoothedCrossEntropy(p, [0, 2], 0), crossEntropy(p, [0, 2]));
  // Row 1: −(0.9 + 0.1/3)·log 0.7 − (0.1/3)·(log 0.2 + log 0.1), and row 2 likewise.
  const row = (own: number, others: number[]) =>
    -(0.9 + 0.1 / 3) * Math.log(own) - (0.1 / 3) * others.reduce((s, q) => s + Math.log(q), 0);
  const expected = (row(0.7, [0.2, 0.1]) + row(0.6, [0.1, 0.3])) / 2;
  assertAlmostEquals(smoothedCrossEntropy(p, [0, 2], 0.1), expected, 1e-6);
  // A network sure of its answer pays for it: probability 1 is no longer the best.
  const sure = fromRows([[1 - 2e-6, 1e-6, 1e-6]]), softer = fromRows([[0.9, 0.05, 0.05]]);
  assert(smoothedCrossEntropy(softer, [0], 0.1) < smoothedCrossEntropy(sure, [0], 0.1));
});

Deno.test("label smoothing: the MLP's backward pass is the gradient of the smoothed loss", () => {
  const network = createNetwork({ sizes: [6, 5, 4], hidden: "tanh", seed: 3 });
  const x = matrix(5, 6, Float32Array.from({ length: 30 }, (_, i) => Math.sin(1.3 * i)));
  const labels = [0, 3, 1, 2, 3];
  const space = createWorkspace(network, 5);
  const activations = forwardLayers(network, x, space);
  const analytic = backwardLayers(network, activations, labels, space, undefined, 0.2);
  const loss = () => smoothedCrossEntropy(forwardLayers(network, x).at(-1)!, labels, 0.2);
  assertAlmostEquals(analytic.loss, loss(), 1e-6);
  for (const l of [0, 1]) {
    const W = network.weights[l].data, G = analytic.gradWeights[l].data;
    for (const i of [0, 4, 7, 13, 19]) {
      const original = W[i], h = 1e-3;
      W[i] = original + h;
      const plus = loss();
      W[i] = original - h;
      const minus = loss();
      W[i] = original;
      assertAlmostEquals(G[i], (plus - minus) / (2 * h), 2e-3, `W${l + 1}[${i}]`);
    }
  }
});

Deno.test("label smoothing: a sequential network's backward pass is the gradient of the smoothed loss", () => {
  const network = createSequential({
    layers: "conv(3,3,0) tanh maxpool(2) flatten dense(5) tanh",
    input: { channels: 1, height: 8, width: 8 },
    classes: 4,
    seed: 2,
  });
  const x = matrix(3, 64, Float32Array.from({ length: 192 }, (_, i) => Math.cos(0.7 * i)));
  const labels = [1, 3, 0];
  const model = sequentialModel(network, { labelSmoothing: 0.3 });
  const parameters = model.parameters();
  model.forward(x);
  const loss = model.backward(labels);
  const again = () => smoothedCrossEntropy(sequentialModel(network).forward(x), labels, 0.3);
  assertAlmostEquals(loss, again(), 1e-6);
  for (const parameter of parameters) {
    const { value, gradient } = parameter;
    for (const i of [0, Math.floor(value.length / 2), value.length - 1]) {
      const original = value[i], h = 1e-3;
      value[i] = original + h;
      const plus = again();
      value[i] = original - h;
      const minus = again();
      value[i] = original;
      assertAlmostEquals(gradient[i], (plus - minus) / (2 * h), 2e-3, `${parameter.name}[${i}]`);
    }
  }
});

Deno.test("label smoothing takes the same steps on the fast engines as on the reference", async (t) => {
  const networks = {
    "the MLP": () => createNetwork({ sizes: [784, 24, 10], hidden: "relu", seed: 4 }),
    "a CNN": () =>
      createSequential({ layers: "conv(4,5,0) relu maxpool(2) flatten dense(16) relu", seed: 4 }),
  };
  for (const [name, make] of Object.entries(networks)) {
    await t.step(name, async () => {
      const settings = {
        epochs: 1,
        batchSize: 50,
        optimizer: "adam" as const,
        learningRate: 2e-3,
        labelSmoothing: 0.1,
        seed: 5,
      };
      const start = make();
      const reference = cloneNetwork(start), plain = cloneNetwork(start);
      await train(reference, subset, { ...settings, engine: "reference" });
      await train(plain, subset, { ...settings, labelSmoothing: 0, engine: "reference" });
      assert(largest(reference, plain) > 1e-4, "smoothing changes the steps");
      for (const engine of engines) {
        const fast = cloneNetwork(start);
        await trainOn(engine, fast, subset, settings);
        const difference = largest(fast, reference);
        assert(difference < 2e-4, `${engine}: weights differ by ${difference}`);
      }
    });
  }
});

Deno.test("train() refuses a label smoothing outside [0, 1), naming the option", async () => {
  let caught: Error | undefined;
  try {
    await train(createNetwork({ sizes: [784, 4, 10] }), subset, { labelSmoothing: 1, epochs: 1 });
  } catch (error) {
    caught = error as Error;
  }
  assert(caught && /labelSmoothing/.test(caught.message), String(caught));
});
