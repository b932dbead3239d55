/**
 * Batch normalisation: its backward pass against finite differences on images and on flat
 * vectors, the running averages used at test time, a network that trains with it the same on
 * every engine and thread count, its statistics saved in the model file,
 * the page's forward pass agreeing with the library's, and its PyTorch modules (export_test.ts runs
 * the exports through ONNX Runtime and PyTorch).
 */
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import {
  architectureOf,
  BatchNorm,
  classify,
  cloneNetwork,
  createSequential,
  layerGradientCheck,
  loadDataset,
  loadModel,
  matrix,
  normalizeImages,
  pageForward,
  pageModel,
  predictSequential,
  Random,
  resolveSettings,
  saveModel,
  takeExamples,
  torchModuleText,
  train,
} from "../lib/mod.ts";
import { FAST_ENGINES, largestDifference } from "./fast_engines.ts";

const engines = FAST_ENGINES;

const largest = largestDifference;

const mnist = await loadDataset("mnist");
const subset = takeExamples(normalizeImages(mnist.train), Array.from({ length: 400 }, (_, i) => i));
const test = takeExamples(normalizeImages(mnist.test), Array.from({ length: 100 }, (_, i) => i));

/** A batch of `rows` random values in [−2, 3), so that the statistics are not 0 and 1 already. */
function batch(rows: number, cols: number, seed: number) {
  const x = matrix(rows, cols);
  new Random(seed).fillUniform(x.data, -2, 3);
  return x;
}

Deno.test("batchnorm's backward pass agrees with finite differences, on images and on flat vectors", () => {
  for (
    const shape of [{ channels: 3, height: 4, width: 5 }, { channels: 6, height: 1, width: 1 }]
  ) {
    const C = shape.channels;
    const gamma = Float32Array.from({ length: C }, (_, c) => 0.5 + 0.3 * c);
    const state = new Float32Array(3 * C);
    state.set(Float32Array.from({ length: C }, (_, c) => 0.1 * c - 0.2));
    const layer = new BatchNorm(shape, gamma, state, "1");
    const x = batch(4, C * shape.height * shape.width, C);
    for (const row of layerGradientCheck(layer, x, { epsilon: 1e-2 })) {
      assert(
        row.worstRelativeError < 2e-2,
        `${C} channels, ${row.what}: ${row.worstRelativeError}`,
      );
    }
  }
});

Deno.test("batchnorm normalises each channel over the batch while training, and uses the running averages at test time", () => {
  const shape = { channels: 2, height: 3, width: 3 };
  const state = new Float32Array(6).fill(1, 4);
  const layer = new BatchNorm(shape, new Float32Array([1, 1]), state);
  const x = batch(5, 18, 3);
  const y = layer.forward(x, { seed: 1, step: 1 });
  for (let c = 0; c < 2; c++) {
    const values = Array.from(
      { length: 5 },
      (_, n) => [...y.data.subarray(n * 18 + c * 9, n * 18 + c * 9 + 9)],
    )
      .flat();
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    assertAlmostEquals(mean, 0, 1e-5, `channel ${c}'s mean`);
    assertAlmostEquals(variance, 1, 1e-3, `channel ${c}'s variance`);
  }
  // The running mean moved a tenth of the way from 0 towards the batch's mean.
  const batchMean =
    Array.from({ length: 5 }, (_, n) => [...x.data.subarray(n * 18, n * 18 + 9)]).flat()
      .reduce((s, v) => s + v, 0) / 45;
  assertAlmostEquals(state[2], 0.1 * batchMean, 1e-5);
  // At test time one example is normalised by the running averages, not by itself.
  const alone = layer.forward(matrix(1, 18, x.data.slice(0, 18)));
  const expected = (x.data[0] - state[2]) / Math.sqrt(state[4] + 1e-5) + state[0];
  assertAlmostEquals(alone.data[0], expected, 1e-5);
});

Deno.test("a CNN with batchnorm takes the same steps on every engine, on any thread count, and its statistics are saved", async () => {
  const layers = "conv(4,3) batchnorm relu maxpool(2) flatten dense(16) batchnorm relu";
  const start = createSequential({ layers, seed: 3 });
  const settings = {
    epochs: 2,
    batchSize: 50,
    // Momentum, not Adam: a bias just before batchnorm has a gradient of float noise (the
    // normalisation takes its mean away), which Adam's division by √v would turn into full steps.
    optimizer: "momentum" as const,
    learningRate: 0.05,
    momentum: 0.9,
    seed: 4,
    onNotice: (notice: string) => {
      throw new Error(`unexpected fallback: ${notice}`);
    },
  };
  const network = cloneNetwork(start);
  const { history } = await train(network, subset, { ...settings, engine: "reference" });
  assert(history[1].loss < history[0].loss, "the loss falls");
  // The running averages moved from their start (mean 0, variance 1).
  assert(
    network.biases[1].subarray(4, 8).some((v) => Math.abs(v) > 1e-3),
    "the running mean moved",
  );
  for (const engine of engines) {
    const fast = cloneNetwork(start);
    await train(fast, subset, { ...settings, engine });
    const difference = largest(fast, network);
    assert(difference < 5e-4, `${engine}: parameters and statistics differ by ${difference}`);
    const other = cloneNetwork(start);
    await train(other, subset, { ...settings, engine, threads: 3 });
    assertEquals(other.biases, fast.biases, `${engine} on 3 threads`);
    assertEquals(other.weights, fast.weights, `${engine} on 3 threads`);
    const classified = await classify(fast, test.images, { engine });
    const expected = predictSequential(fast, test.images);
    const gap = classified.data.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.data[i])), 0);
    assert(gap < 1e-5, `${engine} classifies as the reference does: ${gap}`);
  }
  const folder = await Deno.makeTempDir();
  try {
    const path = await saveModel(`${folder}/bn.json`, {
      network,
      settings: resolveSettings("cnn", { layers, epochs: 2 }),
      history,
    });
    const loaded = await loadModel(path);
    assertEquals(loaded.network.biases, network.biases);
    assertEquals(
      predictSequential(loaded.network as typeof network, test.images).data,
      predictSequential(network, test.images).data,
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
  // The page's forward pass is the library's, batch normalisation included.
  const model = pageModel(network);
  const library = predictSequential(network, test.images);
  for (let i = 0; i < 10; i++) {
    const { probabilities } = pageForward(model, test.images.data.slice(i * 784, (i + 1) * 784));
    for (let k = 0; k < 10; k++) {
      assertAlmostEquals(probabilities[k], library.data[i * 10 + k], 1e-5);
    }
  }
  // PyTorch's modules for it: BatchNorm2d on an image, BatchNorm1d on a flat vector.
  const text = torchModuleText(architectureOf(network));
  assert(text.includes("nn.BatchNorm2d(4)") && text.includes("nn.BatchNorm1d(16)"), text);
});
