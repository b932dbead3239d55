/**
 * Every network the settings accept trains and classifies on every engine: seeded layer texts,
 * parameter-less first layers, 1×1 windows, pools that drop rows, dense layers straight after an
 * image, each trained one epoch on the reference, WebAssembly and native engines, which must agree.
 */
import { assert } from "./assert.ts";
import {
  classify,
  cloneNetwork,
  createSequential,
  type EngineName,
  loadDataset,
  type Network,
  normalizeImages,
  predictSequential,
  Random,
  resolveSettings,
  takeExamples,
  train,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const subset = takeExamples(normalizeImages(mnist.train), Array.from({ length: 24 }, (_, i) => i));

/** A seeded layer text of small layers. */
function layerText(rng: Random): string {
  const pick = <T>(list: T[]) => list[rng.integer(list.length)];
  const words = [
    () => `conv(${1 + rng.integer(3)},${1 + rng.integer(4)})`,
    () => `conv(${1 + rng.integer(3)},${2 + rng.integer(3)},0)`,
    () => `maxpool(${1 + rng.integer(3)})`,
    () => "flatten",
    () => `dense(${1 + rng.integer(8)})`,
    () => pick(["relu", "tanh", "sigmoid"]),
    () => `dropout(${pick([0, 0.2, 0.5])})`,
  ];
  return Array.from({ length: 1 + rng.integer(5) }, () => pick(words)()).join(" ");
}

const largest = (a: Network, b: Network) =>
  Math.max(
    ...a.weights.map((w, l) =>
      w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.weights[l].data[i])), 0)
    ),
  );

Deno.test("every seeded network the settings accept trains and classifies alike on every engine", async () => {
  const rng = new Random(31);
  let tried = 0;
  while (tried < 40) {
    const layers = layerText(rng);
    try {
      resolveSettings("assignment", { layers, hiddenSizes: [] });
    } catch {
      continue; // refused up front, with a message (fuzz_test.ts checks those)
    }
    tried++;
    const start = createSequential({ layers, seed: tried });
    const settings = { epochs: 1, batchSize: 8, learningRate: 0.005, momentum: 0, seed: 1 };
    const reference = cloneNetwork(start);
    await train(reference, subset, { ...settings, engine: "reference" });
    const expected = predictSequential(reference, subset.images);
    for (const engine of ["wasm", "native"] as EngineName[]) {
      const fast = cloneNetwork(start);
      await train(fast, subset, { ...settings, engine });
      const difference = largest(fast, reference);
      assert(difference < 2e-4, `${layers} on ${engine}: weights differ by ${difference}`);
      const found = await classify(reference, subset.images, { engine });
      const gap = found.data.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.data[i])), 0);
      assert(gap < 1e-4, `${layers} on ${engine}: probabilities differ by ${gap}`);
    }
  }
});
