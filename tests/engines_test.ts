import { assert, assertEquals } from "./assert.ts";
import { KernelMlp, type KernelOptions } from "../lib/engines/kernel_mlp.ts";
import { wasmBackend } from "../lib/engines/wasm_backend.ts";
import type { Network as NetworkType } from "../lib/mod.ts";

/** The kernels in WebAssembly, as these tests drive them. */
const FastMlp = {
  create: (network: NetworkType, capacity: number, options?: KernelOptions) =>
    KernelMlp.create(wasmBackend(), network, capacity, options),
};
import { backprop, cloneNetwork, createNetwork, type Network } from "../lib/mod.ts";
import { type Matrix, matrix, takeRows } from "../lib/mod.ts";
import { Random } from "../lib/mod.ts";
import { classify, predictProbabilities, train } from "../lib/mod.ts";
import { loadDataset } from "../lib/mod.ts";
import { normalizeImages, takeExamples } from "../lib/mod.ts";
import { CLANG, compile, moduleText } from "../tools/build_wasm.ts";
import { commandSucceeds } from "../tools/commands.ts";
import { FAST_ENGINES } from "./fast_engines.ts";

/** Random inputs in [0, 1) with `zeros` of them exactly 0; row 0 all zero, row 1 fully dense. */
function inputs(rows: number, cols: number, zeros: number, rng: Random): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) {
    m.data[i] = rng.uniform() < zeros ? 0 : rng.uniform(0.01, 1);
  }
  m.data.fill(0, 0, cols);
  for (let j = 0; j < cols; j++) m.data[cols + j] = rng.uniform(0.01, 1);
  return m;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  }
  return worst;
}

const shapes = [[13, 7, 5, 3], [784, 17, 10], [30, 33, 2], [9, 64, 19, 10], [5, 4]];

Deno.test("FastMlp.predict() agrees with the reference forward pass", async (t) => {
  const rng = new Random(21);
  for (const sizes of shapes) {
    for (const hidden of ["sigmoid", "relu", "tanh"] as const) {
      await t.step(`${sizes.join("-")} ${hidden}`, async () => {
        const network = createNetwork({ sizes, hidden, init: "xavier-normal", seed: sizes[1] });
        const x = inputs(11, sizes[0], 0.8, rng);
        const engine = await FastMlp.create(network, 4, { threads: 2 });
        const fast = engine.predict(x); // capacity 4: three chunks, the last short
        engine.close();
        const reference = predictProbabilities(network, x);
        assert(
          maxDifference(fast.data, reference.data) < 2e-6,
          `max difference ${maxDifference(fast.data, reference.data)}`,
        );
      });
    }
  }
});

Deno.test("classify() gives every row the same numbers whatever rows it shares a pass with, on any thread count", async () => {
  const rng = new Random(8);
  const network = createNetwork({ sizes: [784, 40, 10], hidden: "relu", seed: 3 });
  const x = inputs(37, 784, 0.8, rng);
  for (const engine of FAST_ENGINES) {
    // The first layer runs on four rows at a time, over the pixels any of them has: row r's sums
    // must not see its neighbours'.
    const whole = await classify(network, x, { engine, threads: 2 });
    for (const threads of [1, 3]) {
      const again = await classify(network, x, { engine, threads });
      assertEquals(again.data, whole.data, `${engine}, ${threads} threads`);
    }
    for (const from of [1, 2, 3, 30]) {
      const part = await classify(
        network,
        takeRows(x, Array.from({ length: 37 - from }, (_, i) => from + i)),
        { engine },
      );
      assertEquals(part.data, whole.data.subarray(from * 10), `${engine}, rows from ${from}`);
    }
  }
});

Deno.test("FastMlp.trainBatch() takes the same steps as backprop with momentum and weight decay", async (t) => {
  const rng = new Random(5);
  for (const sizes of shapes) {
    for (const hidden of ["sigmoid", "relu", "tanh"] as const) {
      await t.step(`${sizes.join("-")} ${hidden}`, async () => {
        const network = createNetwork({ sizes, hidden, init: "xavier-normal", seed: 3 });
        const images = inputs(40, sizes[0], 0.7, rng);
        const labels = Uint8Array.from({ length: 40 }, () => rng.integer(sizes.at(-1)!));
        const [learningRate, momentum, weightDecay] = [0.3, 0.9, 1e-3];
        const fast = await FastMlp.create(network, 16, { images, threads: 2 });
        // The reference: backprop, L2 gradient, classical momentum, in double-checked TypeScript.
        const reference = cloneNetwork(network);
        const velocity = reference.weights.map((w) => new Float32Array(w.data.length));
        const biasVelocity = reference.biases.map((b) => new Float32Array(b.length));
        for (
          const batch of [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [16, 3, 39, 1], [
            0,
            1,
          ]]
        ) {
          const indices = Uint32Array.from(batch);
          const batchLabels = Uint8Array.from(batch, (i) => labels[i]);
          fast.trainBatch(indices, batchLabels, { learningRate, momentum, weightDecay });
          const g = backprop(reference, takeRows(images, indices), batchLabels);
          reference.weights.forEach((w, l) => {
            for (let i = 0; i < w.data.length; i++) {
              velocity[l][i] = momentum * velocity[l][i] -
                learningRate * (g.gradWeights[l].data[i] + weightDecay * w.data[i]);
              w.data[i] += velocity[l][i];
            }
            const b = reference.biases[l];
            for (let i = 0; i < b.length; i++) {
              biasVelocity[l][i] = momentum * biasVelocity[l][i] -
                learningRate * g.gradBiases[l][i];
              b[i] += biasVelocity[l][i];
            }
          });
        }
        const stepped: Network = cloneNetwork(network);
        fast.store(stepped);
        fast.close();
        stepped.weights.forEach((w, l) => {
          const d = maxDifference(w.data, reference.weights[l].data);
          assert(d < 1e-5, `layer ${l + 1} weights differ by ${d}`);
          const db = maxDifference(stepped.biases[l], reference.biases[l]);
          assert(db < 1e-5, `layer ${l + 1} biases differ by ${db}`);
        });
      });
    }
  }
});

const mnist = await loadDataset("mnist");
const subset = takeExamples(
  normalizeImages(mnist.train),
  Array.from({ length: 3000 }, (_, i) => i),
);

Deno.test("one training epoch gives the same weights on the fast and the reference path", async (t) => {
  const runs = {
    "mini-batches with momentum and weight decay": {
      epochs: 1,
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 1e-4,
    },
    "plain full-batch descent, three steps": {
      epochs: 3,
      learningRate: 1,
      batchSize: "full" as const,
    },
  };
  for (const [name, settings] of Object.entries(runs)) {
    await t.step(name, async () => {
      const fast = createNetwork(), reference = createNetwork();
      const a = await train(fast, subset, { ...settings, engine: "wasm" });
      const b = await train(reference, subset, { ...settings, engine: "reference" });
      fast.weights.forEach((w, l) => {
        const d = maxDifference(w.data, reference.weights[l].data);
        assert(d < 1e-4, `layer ${l + 1} weights differ by ${d} after an epoch`);
      });
      assert(
        Math.abs(a.history.at(-1)!.loss - b.history.at(-1)!.loss) < 1e-4,
        `losses ${a.history.at(-1)!.loss} and ${b.history.at(-1)!.loss}`,
      );
    });
  }
});

Deno.test("the fast path gives bit-identical weights for the same seed, run after run", async () => {
  const run = async (threads: number) => {
    const network = createNetwork({ seed: 9 });
    await train(network, subset, { epochs: 2, learningRate: 0.1, momentum: 0.9, seed: 4, threads });
    return network;
  };
  const [a, b] = [await run(2), await run(2)];
  assertEquals(a.weights, b.weights);
  assertEquals(a.biases, b.biases);
  // Every sum keeps its order whatever the thread count, so 1, 2 and 3 threads agree bit for bit.
  for (const threads of [1, 3]) {
    const c = await run(threads);
    assertEquals(c.weights, a.weights, `${threads} threads`);
    assertEquals(c.biases, a.biases, `${threads} threads`);
  }
});

const clang = await commandSucceeds(CLANG, ["--version"]);

Deno.test({
  name: "lib/engines/c/mlp_wasm.ts is the build of lib/engines/c/kernels.c",
  ignore: !clang,
  fn: async () => {
    assertEquals(
      moduleText(await compile()),
      await Deno.readTextFile(new URL("../lib/engines/c/mlp_wasm.ts", import.meta.url)),
    );
  },
});

Deno.test("FastMlp refuses a bad thread count, and a label past the output layer never writes outside its row", async () => {
  const network = createNetwork({ sizes: [784, 8, 10], seed: 5 });
  for (const threads of [Number.NaN, 0, 5, 1.5]) {
    let message = "";
    await FastMlp.create(network, 4, { threads }).catch((e: Error) => (message = e.message));
    assert(message.includes("expected threads to be an integer from 1 to 4"), message);
  }
  const images = matrix(4, 784, new Float32Array(4 * 784).fill(0.5));
  const engine = await FastMlp.create(network, 4, { images, threads: 1 });
  try {
    engine.trainBatch(
      Uint32Array.from([0, 1, 2, 3]),
      Uint8Array.from([10, 255, 3, 9]),
      { learningRate: 0.1, momentum: 0, weightDecay: 0 },
    );
    const after = cloneNetwork(network);
    engine.store(after);
    assert(after.weights.every((w) => w.data.every(Number.isFinite)));
  } finally {
    engine.close();
  }
});

Deno.test("classify() gives a SiLU network's probabilities on any engine; the WebAssembly kernels refuse it outright", async () => {
  const network = createNetwork({ sizes: [784, 12, 10], hidden: "silu", seed: 3 });
  const images = matrix(5, 784, Float32Array.from({ length: 5 * 784 }, (_, i) => (i % 7) / 7));
  const expected = predictProbabilities(network, images);
  assertEquals((await classify(network, images, { engine: "wasm" })).data, expected.data);
  let message = "";
  await FastMlp.create(network, 4).catch((e: Error) => (message = e.message));
  assert(message.includes("it has no silu activation"), message);
});
