/**
 * Convolutional networks on the fast engines: the C kernels of lib/engines/c/ (sequential.c and
 * its layer files) take the same steps as the reference layers (within Float32 tolerance) for every optimizer, with dropout and
 * odd shapes; give bit-identical weights on any number of threads; classify as the reference
 * does; and a network they cannot run falls back to the reference engine with one line saying why.
 */
import { assert, assertEquals } from "./assert.ts";
import {
  chooseEngine,
  classify,
  cloneNetwork,
  createSequential,
  loadDataset,
  normalizeImages,
  predictSequential,
  takeExamples,
  train,
} from "../lib/mod.ts";
import { FAST_ENGINES, largestDifference, trainOn } from "./fast_engines.ts";

const engines = FAST_ENGINES;

const mnist = await loadDataset("mnist");
const subset = takeExamples(normalizeImages(mnist.train), Array.from({ length: 300 }, (_, i) => i));
const test = takeExamples(normalizeImages(mnist.test), Array.from({ length: 200 }, (_, i) => i));

const largest = largestDifference;

const ARCHITECTURES = [
  // The first pooling fused onto its convolution, 6 filters: narrower than a vector (c/maxpool.c,
  // two windows a product natively); the second convolution's relu keeps its pooling apart.
  "conv(6,5) maxpool(2) relu dropout(0.25) conv(8,3) relu maxpool(2) flatten dense(24) relu dropout(0.3)",
  // Odd sizes: a 3×3 pool that drops two rows and columns, an even filter, no padding, activations
  // after pooling (the pooling then runs fused onto the convolution, c/maxpool.c; 12 channels: a
  // vector and a remainder), a dense layer straight after an image, two dense layers at the end.
  "conv(12,3,0) maxpool(3) tanh conv(7,2) sigmoid dense(13) tanh dropout(0.4) dense(9)",
  // Winograd's 3 × 3 layers (c/winograd.c, from 32 input channels): padded and not, odd sizes (9 × 9
  // and 7 × 7: the last tiles hang over the edge), channel counts that fill no vector (33, 10).
  "conv(32,5) relu maxpool(3) conv(33,3) relu conv(10,3,0) relu flatten dense(12) relu",
];
const WINOGRAD = ARCHITECTURES[2];

Deno.test("a CNN takes the same steps on the fast engines as on the reference layers", async (t) => {
  for (const layers of ARCHITECTURES) {
    for (const optimizer of ["momentum", "adam"] as const) {
      await t.step(`${layers}, ${optimizer}`, async () => {
        const settings = {
          epochs: 1,
          batchSize: 50,
          optimizer,
          learningRate: optimizer === "adam" ? 1e-3 : 0.05,
          momentum: 0.9,
          weightDecay: 1e-4,
          seed: 5,
        };
        const start = createSequential({ layers, seed: 9 });
        const reference = cloneNetwork(start);
        await train(reference, subset, { ...settings, engine: "reference" });
        for (const engine of engines) {
          const fast = cloneNetwork(start);
          await trainOn(engine, fast, subset, settings);
          const difference = largest(fast, reference);
          assert(difference < 2e-4, `${engine}: weights differ by ${difference}`);
          assert(largest(fast, start) > 1e-3, `${engine}: the weights moved`);
        }
      });
    }
  }
});

Deno.test("a CNN's weights are bit-identical on 1, 2 and 3 threads", async () => {
  for (
    const [engine, layers] of engines.flatMap((e) =>
      [ARCHITECTURES[0], ARCHITECTURES[1], WINOGRAD].map((l) => [e, l] as const)
    )
  ) {
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const network = createSequential({ layers, seed: 4 });
      await train(network, subset, {
        epochs: 1,
        batchSize: 64,
        learningRate: 0.05,
        momentum: 0.9,
        engine,
        threads,
      });
      runs.push(network);
    }
    for (const run of runs.slice(1)) assertEquals(largest(run, runs[0]), 0, `${engine}, ${layers}`);
  }
});

Deno.test("the fast engines classify with a CNN as the reference layers do", async () => {
  for (
    const [engine, layers] of engines.flatMap((e) =>
      [ARCHITECTURES[1], WINOGRAD].map((l) => [e, l] as const)
    )
  ) {
    const network = createSequential({ layers, seed: 2 });
    const expected = predictSequential(network, test.images);
    const found = await classify(network, test.images, { engine });
    const difference = found.data.reduce(
      (m, v, i) => Math.max(m, Math.abs(v - expected.data[i])),
      0,
    );
    assert(difference < 1e-5, `${engine}, ${layers}: probabilities differ by ${difference}`);
  }
});

Deno.test("a CNN the kernels cannot run trains on the reference engine, saying why", async () => {
  for (
    const layers of [
      "conv(4,3) silu flatten dense(8)",
      "conv(4,3) relu maxpool(2) silu",
      "conv(16,3) conv(2,23) flatten dense(8)", // a patch of 23 × 23 × 16 values: past MAX_PATCH
    ]
  ) {
    const network = createSequential({ layers, seed: 1 });
    const { engine, notice } = await chooseEngine("wasm", {
      network,
      optimizer: { optimizer: "sgd", momentum: 0, weightDecay: 0 },
    });
    assertEquals(engine.name, "reference");
    assert(notice?.includes("the C kernels cannot run this network"), notice);
    if (layers.includes("23")) assert(notice?.includes("found 23 × 23 × 16 = 8464"), notice);
  }
});
