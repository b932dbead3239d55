/**
 * A network whose first layer has no parameters (an activation, a dropout) trains and classifies
 * on every engine: the kernels once wrote its input gradient through a null pointer (a crash of
 * the native engine, a trapped worker that the WebAssembly engine waited on forever).
 */
import { assert } from "./assert.ts";
import {
  classify,
  cloneNetwork,
  createSequential,
  type EngineName,
  loadDataset,
  normalizeImages,
  predictSequential,
  takeExamples,
  train,
} from "../lib/mod.ts";

const mnist = await loadDataset("mnist");
const subset = takeExamples(normalizeImages(mnist.train), Array.from({ length: 120 }, (_, i) => i));

Deno.test("a network whose first layer has no parameters trains and classifies on every engine", async (t) => {
  for (const layers of ["relu", "dropout(0.5)", "tanh dropout(0.3) flatten dense(8) relu"]) {
    await t.step(layers, async () => {
      const start = createSequential({ layers, seed: 3 });
      const settings = { epochs: 1, batchSize: 40, learningRate: 0.05, momentum: 0.9, seed: 2 };
      const reference = cloneNetwork(start);
      await train(reference, subset, { ...settings, engine: "reference" });
      for (const engine of ["wasm", "native"] as EngineName[]) {
        const fast = cloneNetwork(start);
        await train(fast, subset, { ...settings, engine });
        const difference = Math.max(
          ...fast.weights.map((w, l) =>
            w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - reference.weights[l].data[i])), 0)
          ),
        );
        assert(difference < 2e-4, `${engine}: weights differ by ${difference}`);
        const expected = predictSequential(fast, subset.images);
        const found = await classify(fast, subset.images, { engine });
        const gap = found.data.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.data[i])), 0);
        assert(gap < 1e-5, `${engine}: probabilities differ by ${gap}`);
      }
    });
  }
});
