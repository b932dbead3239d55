/**
 * Max-norm: each unit's incoming weights scaled back onto a ball after every step — by column for
 * dense layers, by filter for convolutions — the same on every engine and on any thread count.
 */
import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import {
  applyMaxNorm,
  cloneNetwork,
  createNetwork,
  createSequential,
  fromRows,
  limitColumnNorms,
  loadDataset,
  type Network,
  normalizeImages,
  takeExamples,
  train,
} from "../lib/mod.ts";
import { FAST_ENGINES, largestDifference, trainOn } from "./fast_engines.ts";

const engines = FAST_ENGINES;

const mnist = await loadDataset("mnist");
const subset = takeExamples(normalizeImages(mnist.train), Array.from({ length: 300 }, (_, i) => i));

const largest = largestDifference;

/** The largest norm of a unit's incoming weights in `network`. */
function largestNorm(network: Network): number {
  const kinds = network.kind === "sequential"
    ? network.layers.filter((l) => l.type === "conv" || l.type === "dense").map((l) => l.type)
    : [];
  let most = 0;
  network.weights.forEach((w, l) => {
    const units = kinds[l] === "conv" ? w.rows : w.cols;
    for (let u = 0; u < units; u++) {
      let sum = 0;
      for (let k = 0; k < (kinds[l] === "conv" ? w.cols : w.rows); k++) {
        const v = kinds[l] === "conv" ? w.data[u * w.cols + k] : w.data[k * w.cols + u];
        sum += v * v;
      }
      most = Math.max(most, Math.sqrt(sum));
    }
  });
  return most;
}

Deno.test("limitColumnNorms() scales only the columns longer than the limit, onto it", () => {
  const w = fromRows([[3, 0.1, 0], [4, 0.2, 12]]);
  assertEquals(limitColumnNorms(w, 1), 2);
  assertAlmostEquals(w.data[0], 0.6, 1e-6);
  assertAlmostEquals(w.data[3], 0.8, 1e-6);
  assertAlmostEquals(w.data[1], 0.1, 1e-7); // inside the ball: untouched
  assertAlmostEquals(w.data[5], 1, 1e-6);
  assertEquals(applyMaxNorm(createNetwork({ sizes: [4, 3, 2] }), 0), 0, "0 is off");
});

Deno.test("max-norm takes the same steps on the fast engines as on the reference, and holds", async (t) => {
  const networks = {
    "the MLP": () => createNetwork({ sizes: [784, 24, 10], hidden: "relu", seed: 4 }),
    "a CNN": () =>
      createSequential({ layers: "conv(4,5,0) relu maxpool(2) flatten dense(16) relu", seed: 4 }),
  };
  for (const [name, make] of Object.entries(networks)) {
    await t.step(name, async () => {
      // A large step, so that the ball is reached, at c below the starting norms of some units.
      const settings = {
        epochs: 1,
        batchSize: 50,
        optimizer: "momentum" as const,
        learningRate: 0.3,
        momentum: 0.9,
        maxNorm: 0.9,
        seed: 5,
      };
      const start = make();
      const reference = cloneNetwork(start), free = cloneNetwork(start);
      await train(reference, subset, { ...settings, engine: "reference" });
      await train(free, subset, { ...settings, maxNorm: 0, engine: "reference" });
      assert(largestNorm(free) > 0.95, `without it a unit grows past c: ${largestNorm(free)}`);
      assert(largestNorm(reference) <= 0.9 + 1e-5, `with it: ${largestNorm(reference)}`);
      for (const engine of engines) {
        const fast = cloneNetwork(start);
        await trainOn(engine, fast, subset, settings);
        const difference = largest(fast, reference);
        assert(difference < 2e-4, `${engine}: weights differ by ${difference}`);
        for (const threads of [1, 3]) {
          const other = cloneNetwork(start);
          await train(other, subset, { ...settings, engine, threads });
          assertEquals(other.weights, fast.weights, `${engine} on ${threads} threads`);
        }
      }
    });
  }
});
