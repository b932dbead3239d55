import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  backprop,
  cloneNetwork,
  createNetwork,
  feedForward,
  forwardLayers,
  gradientDescentStep,
  parameterCount,
} from "../lib/mod.ts";
import { gradientCheck } from "../lib/mod.ts";
import { accuracy, crossEntropy } from "../lib/mod.ts";
import { type Matrix, matrix } from "../lib/mod.ts";
import { Random } from "../lib/mod.ts";
import { loadDataset } from "../lib/mod.ts";
import { normalizeImages, takeExamples } from "../lib/mod.ts";
import { describe } from "../lib/mod.ts";
import { createSequential, isSequential, type Network, networkProblem } from "../lib/mod.ts";

Deno.test("createNetwork() defaults to the assignment's network", () => {
  const network = createNetwork();
  assertEquals(network.sizes, [784, 128, 64, 10]);
  assertEquals(network.hidden, "sigmoid");
  assertEquals(network.seed, 695);
  assertEquals(network.weights.map((w) => [w.rows, w.cols]), [[784, 128], [128, 64], [64, 10]]);
  assertEquals(network.biases.map((b) => b.length), [128, 64, 10]);
  assert(network.biases.every((b) => b.every((v) => v === 0)), "biases start at 0");
  assertEquals(parameterCount(network), 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
});

Deno.test("createNetwork() draws each init with the right range and spread", async (t) => {
  await t.step("uniform: Glorot's ±√(6/(fan_in+fan_out))", () => {
    const w = createNetwork().weights[0].data;
    const limit = Math.sqrt(6 / (784 + 128));
    const s = describe(w);
    assert(s.min >= -limit && s.max < limit, `within ±${limit}: ${s.min} ${s.max}`);
    assert(s.max > 0.99 * limit && s.min < -0.99 * limit, "fills the range");
    assertAlmostEquals(s.std, limit / Math.sqrt(3), 0.002, "uniform std");
  });
  await t.step("an explicit uniform range", () => {
    const s = describe(
      createNetwork({ init: { kind: "uniform", low: 0, high: 0.5 } }).weights[1].data,
    );
    assert(s.min >= 0 && s.max < 0.5);
    assertAlmostEquals(s.mean, 0.25, 0.01, "mean");
  });
  const normals: [string, Parameters<typeof createNetwork>[0], number][] = [
    ["normal: the reference notebook's 0.01", { init: "normal" }, 0.01],
    ["normal with a chosen std", { init: { kind: "normal", std: 0.2 } }, 0.2],
    ["xavier: √(2/(fan_in+fan_out))", { init: "xavier-normal" }, Math.sqrt(2 / (784 + 128))],
    ["he: √(2/fan_in)", { init: "he-normal" }, Math.sqrt(2 / 784)],
  ];
  for (const [name, options, std] of normals) {
    await t.step(name, () => {
      const s = describe(createNetwork(options).weights[0].data);
      assertAlmostEquals(s.mean, 0, std * 0.02, "mean");
      assertAlmostEquals(s.std, std, std * 0.02, "std");
    });
  }
});

Deno.test("createNetwork() gives identical weights for the same seed, others for another", () => {
  const a = createNetwork({ seed: 42 }),
    b = createNetwork({ seed: 42 }),
    c = createNetwork({ seed: 43 });
  assertEquals(a.weights, b.weights);
  assert(a.weights[0].data.some((v, i) => v !== c.weights[0].data[i]));
});

Deno.test("createNetwork() rejects bad options before any work", async (t) => {
  const cases: [string, Parameters<typeof createNetwork>[0], string][] = [
    [
      "one size",
      { sizes: [784] },
      "expected sizes to list at least an input and an output size, found [784]",
    ],
    [
      "a zero size",
      { sizes: [784, 0, 10] },
      "expected layer sizes to be positive integers, found 0 at sizes[1]",
    ],
    [
      "a fraction",
      { sizes: [784, 12.5, 10] },
      "expected layer sizes to be positive integers, found 12.5 at sizes[1]",
    ],
    [
      "unknown activation",
      { hidden: "swish" as "relu" },
      'unknown hidden activation "swish"; expected one of sigmoid, relu, tanh',
    ],
    [
      "unknown init",
      { init: "glorot" as "he-normal" },
      "unknown init; expected one of uniform, normal, xavier-uniform, xavier-normal, he-uniform, he-normal",
    ],
    [
      "an empty uniform range",
      { init: { kind: "uniform", low: 1, high: 1 } },
      'with std > 0, found {"kind":"uniform","low":1,"high":1}',
    ],
  ];
  for (const [name, options, message] of cases) {
    await t.step(name, () => {
      assertThrows(() => createNetwork(options), RangeError, message);
    });
  }
});

const mnist = await loadDataset("mnist");
const test = normalizeImages(mnist.test);
const batch = takeExamples(test, Array.from({ length: 64 }, (_, i) => i));

Deno.test("feedForward() returns softmax rows for a batch; forwardLayers() every layer's activations", () => {
  const network = createNetwork();
  const output = feedForward(network, batch.images);
  assertEquals([output.rows, output.cols], [64, 10]);
  for (let i = 0; i < 64; i++) {
    let sum = 0;
    for (let j = 0; j < 10; j++) sum += output.data[i * 10 + j];
    assertAlmostEquals(sum, 1, 1e-5, `row ${i}`);
  }
  const layers = forwardLayers(network, batch.images);
  assertEquals(layers.map((a) => [a.rows, a.cols]), [[64, 784], [64, 128], [64, 64], [64, 10]]);
  assert(layers[1].data.every((v) => v > 0 && v < 1), "sigmoid outputs lie in (0, 1)");
  assertEquals(layers[3].data, output.data);
  // An untrained network is about as good as a guess.
  const untrained = accuracy(feedForward(network, test.images), test.labels);
  assert(untrained > 0.03 && untrained < 0.2, `untrained accuracy ${untrained}`);
});

function tinyBatch(seed: number): { x: Matrix; labels: Uint8Array } {
  const rng = new Random(seed);
  const x = matrix(6, 12);
  rng.fillUniform(x.data, 0, 1);
  return { x, labels: new Uint8Array([0, 1, 2, 3, 1, 2]) };
}

Deno.test("backprop() agrees with central finite differences on small seeded networks", async (t) => {
  const runs = [["sigmoid", 1e-2, 1e-2], ["tanh", 1e-2, 1e-2], ["relu", 1e-3, 5e-2]] as const;
  for (const [hidden, epsilon, tolerance] of runs) {
    for (const seed of [1, 2, 3]) {
      await t.step(`${hidden}, seed ${seed}`, () => {
        const network = createNetwork({
          sizes: [12, 7, 5, 4],
          hidden,
          seed,
          init: "xavier-normal",
        });
        const { x, labels } = tinyBatch(seed);
        const rows = gradientCheck(network, x, labels, { epsilon });
        assertEquals(rows.length, 6);
        for (const row of rows) {
          assert(
            row.worstRelativeError < tolerance,
            `layer ${row.layer} ${row.parameters}: worst relative error ${row.worstRelativeError}`,
          );
        }
      });
    }
  }
  await t.step("the check catches a wrong gradient", () => {
    const network = createNetwork({ sizes: [12, 7, 5, 4], seed: 1, init: "xavier-normal" });
    const { x, labels } = tinyBatch(1);
    const gradients = backprop(network, x, labels);
    gradients.gradWeights[1].data[3] *= 1.5;
    const rows = gradientCheck(network, x, labels, { gradients });
    assert(
      rows[2].worstRelativeError > 0.05,
      `layer 1 weights flagged: ${rows[2].worstRelativeError}`,
    );
  });
});

Deno.test("backprop() returns the batch loss and gradients shaped like the parameters", () => {
  const network = createNetwork();
  const { loss, gradWeights, gradBiases } = backprop(network, batch.images, batch.labels);
  assertAlmostEquals(
    loss,
    crossEntropy(feedForward(network, batch.images), batch.labels),
    1e-6,
    "loss",
  );
  assertEquals(gradWeights.map((g) => [g.rows, g.cols]), [[784, 128], [128, 64], [64, 10]]);
  assertEquals(gradBiases.map((g) => g.length), [128, 64, 10]);
});

Deno.test("gradientDescentStep() lowers the batch's loss", () => {
  const network = createNetwork();
  const before = backprop(network, batch.images, batch.labels);
  const stepped = gradientDescentStep(cloneNetwork(network), before, 0.5);
  const after = crossEntropy(feedForward(stepped, batch.images), batch.labels);
  assert(after < before.loss, `loss ${before.loss} → ${after}`);
  assertThrows(
    () => gradientDescentStep(network, before, -1),
    RangeError,
    "expected a positive learning rate, found -1",
  );
});

Deno.test("feedForward() and backprop() reject bad input before any work", async (t) => {
  const network = createNetwork({ sizes: [4, 3, 2] });
  await t.step("a batch of the wrong width", () => {
    assertThrows(
      () => feedForward(network, matrix(5, 3)),
      RangeError,
      "Cannot feed forward: the batch is 5×3 but the first layer takes 4 inputs (weights 4×3)",
    );
  });
  await t.step("an empty batch", () => {
    assertThrows(
      () => backprop(network, matrix(0, 4), []),
      RangeError,
      "Cannot backpropagate: the batch is empty (0×4)",
    );
  });
  await t.step("a label outside the output size", () => {
    assertThrows(
      () => backprop(network, matrix(2, 4), [1, 2]),
      RangeError,
      "Cannot backpropagate: label 1 is 2, expected an integer from 0 to 1",
    );
  });
  await t.step("labels and rows of different counts", () => {
    assertThrows(
      () => backprop(network, matrix(2, 4), [1]),
      RangeError,
      "the batch has 2 rows but 1 labels",
    );
  });
});

Deno.test("Network is the MLP or a sequential network, told apart by kind", () => {
  const mlp = createNetwork({ sizes: [4, 3, 2] });
  const cnn = createSequential({ layers: "conv(2,3) relu flatten", classes: 3 });
  assertEquals([mlp.kind, cnn.kind], ["mlp", "sequential"]);
  assertEquals([isSequential(mlp), isSequential(cnn)], [false, true]);
  assertEquals(cloneNetwork(cnn).kind, "sequential");
  assertEquals(networkProblem(mlp), undefined);
  assertEquals(
    networkProblem({ ...mlp, kind: "tree" } as unknown as Network),
    'expected kind to be "mlp" or "sequential", found "tree"',
  );
});
