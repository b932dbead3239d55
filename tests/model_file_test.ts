import { assert, assertEquals, assertRejects } from "./assert.ts";
import {
  createNetwork,
  matrix,
  networkFor,
  predictSequential,
  resolveSettings,
} from "../lib/mod.ts";
import { loadModel, MODEL_VERSION, parseModel, saveModel, serializeModel } from "../lib/mod.ts";
import { isSequential, sha256Hex } from "../lib/mod.ts";

const network = createNetwork({ sizes: [784, 16, 10], seed: 3 });
network.biases[0][2] = 0.125;
const model = {
  network,
  settings: resolveSettings("assignment", { epochs: 2, hiddenSizes: [16], seed: 3 }),
  history: [{ epoch: 1, loss: 0.5, trainAccuracy: 0.9, learningRate: 0.1, seconds: 1.5 }],
};

/** Re-seals a model file body with a valid checksum, to test the checks after the checksum. */
async function reseal(body: Record<string, unknown>): Promise<string> {
  const { sha256: _, ...rest } = body;
  return JSON.stringify({
    ...rest,
    sha256: await sha256Hex(new TextEncoder().encode(JSON.stringify(rest))),
  });
}

Deno.test("saveModel() and loadModel() round-trip every weight, bias and setting", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const path = await saveModel(`${folder}/models/m.json`, model);
    const loaded = await loadModel(path);
    assertEquals(loaded.network.weights, network.weights);
    assertEquals(loaded.network.biases, network.biases);
    assertEquals([
      loaded.network.sizes,
      loaded.network.hidden,
      loaded.network.init,
      loaded.network.seed,
    ], [
      [784, 16, 10],
      "sigmoid",
      "uniform",
      3,
    ]);
    assertEquals(loaded.settings, model.settings);
    assertEquals(loaded.history, model.history);
    const names = [...Deno.readDirSync(`${folder}/models`)].map((e) => e.name);
    assertEquals(names, ["m.json"], "no temporary file left behind");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a model file written before label smoothing and max-norm loads with them off", async () => {
  const body = JSON.parse(await serializeModel(model));
  delete body.settings.labelSmoothing;
  delete body.settings.maxNorm;
  const loaded = await parseModel(await reseal(body), "old.json");
  assertEquals([loaded.settings.labelSmoothing, loaded.settings.maxNorm], [0, 0]);
  assertEquals(loaded.network.weights, network.weights);
});

Deno.test("loadModel() explains every kind of bad file", async (t) => {
  const text = await serializeModel(model);
  const body = JSON.parse(text);
  await t.step("damaged bytes", async () => {
    const at = text.indexOf('"weights":["') + 20;
    const damaged = text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    await assertRejects(
      () => parseModel(damaged, "'m.json'"),
      SyntaxError,
      "Cannot load model 'm.json': the file is damaged: expected checksum",
    );
  });
  await t.step("truncated (not JSON)", async () => {
    await assertRejects(
      () => parseModel(text.slice(0, 100), "'m.json'"),
      SyntaxError,
      "Cannot load model 'm.json': the file is damaged (not valid JSON)",
    );
  });
  await t.step("another version", async () => {
    await assertRejects(
      () => parseModel(JSON.stringify({ ...body, version: MODEL_VERSION + 1 }), "'m.json'"),
      SyntaxError,
      `expected format version ${MODEL_VERSION}, found version ${MODEL_VERSION + 1}`,
    );
  });
  await t.step("another format", async () => {
    await assertRejects(
      () => parseModel('{"format":"keras"}'),
      SyntaxError,
      'expected format "mnist-mlp-model", found "keras"',
    );
  });
  await t.step("weights of the wrong shape", async () => {
    const wrong = await reseal({ ...body, network: { ...body.network, sizes: [784, 17, 10] } });
    await assertRejects(
      () => parseModel(wrong, "'m.json'"),
      SyntaxError,
      "weights of layer 1 should be 784×17 = 13328 values, found 12544",
    );
  });
  await t.step("a missing layer", async () => {
    const wrong = await reseal({ ...body, network: { ...body.network, sizes: [784, 16, 10, 10] } });
    await assertRejects(
      () => parseModel(wrong),
      SyntaxError,
      "expected 3 weight matrices and bias vectors for sizes 784-16-10-10, found 2 and 2",
    );
  });
  await t.step("settings with a bad or missing field", async () => {
    const { dataset: _, ...settings } = body.settings;
    await assertRejects(
      () => reseal({ ...body, settings }).then((text) => parseModel(text, "'m.json'")),
      SyntaxError,
      "Cannot load model 'm.json': Invalid settings: expected dataset to be one of mnist, fashion-mnist, found nothing",
    );
  });
  await t.step("an unknown activation", async () => {
    const wrong = await reseal({ ...body, network: { ...body.network, hidden: "swish" } });
    await assertRejects(
      () => parseModel(wrong),
      SyntaxError,
      'expected network.hidden to be one of sigmoid, relu, tanh, silu, found "swish"',
    );
  });
  await t.step("weights that are not numbers", async () => {
    const nan = new Uint8Array(new Float32Array(784 * 16).fill(NaN).buffer).toBase64();
    const weights = [nan, ...body.parameters.weights.slice(1)];
    const wrong = await reseal({ ...body, parameters: { ...body.parameters, weights } });
    await assertRejects(
      () => parseModel(wrong),
      SyntaxError,
      "weights of layer 1 hold NaN or infinite values",
    );
  });
  await t.step("no such file", async () => {
    const error = await assertRejects(
      () => loadModel("/nonexistent/model.json"),
      Deno.errors.NotFound,
    );
    assert(error.message.includes("Train one first"), error.message);
  });
});

// deno-lint-ignore no-explicit-any
type Body = Record<string, any>;

Deno.test("a CNN's model file stores its layers and loads back to an identical network", async (t) => {
  const settings = resolveSettings("cnn", {
    layers: "conv(4,3) relu maxpool(2) conv(6,3,0) relu flatten dense(12) relu dropout(0.5)",
    seed: 8,
  });
  const cnn = networkFor(settings);
  cnn.biases[1][3] = -0.25;
  const text = await serializeModel({ network: cnn, settings, history: [] });
  const loaded = (await parseModel(text, "'cnn.json'")).network;
  assert(isSequential(loaded) && isSequential(cnn), "both are sequential networks");
  assertEquals(loaded.layers, cnn.layers);
  assertEquals(loaded.input, cnn.input);
  assertEquals(loaded.weights, cnn.weights);
  assertEquals(loaded.biases, cnn.biases);
  const images = matrix(3, 784, Float32Array.from({ length: 3 * 784 }, (_, i) => (i % 29) / 29));
  assertEquals(predictSequential(loaded, images), predictSequential(cnn, images));

  const body = JSON.parse(text);
  for (
    const [what, change, message] of [
      [
        "an unknown layer",
        (b: Body) => b.network.layers = "conv(4,3) swirl",
        `network.layers: Cannot read the layer "swirl"`,
      ],
      [
        "a missing input shape",
        (b: Body) => delete b.network.input,
        "network.input a shape of positive integers",
      ],
      [
        "layers that do not fit the weights",
        (b: Body) => b.network.layers = b.network.layers.replace("conv(6,3,0)", "conv(6,3)"),
        "weights of layer 3 should be 1176×12",
      ],
    ] as const
  ) {
    await t.step(what, async () => {
      const damaged = structuredClone(body);
      change(damaged);
      await assertRejects(
        async () => parseModel(await reseal(damaged), "'cnn.json'"),
        SyntaxError,
        message,
      );
    });
  }
});
