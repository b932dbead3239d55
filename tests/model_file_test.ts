import { assert, assertEquals, assertRejects } from "./assert.ts";
import { createNetwork } from "../lib/nn/mlp.ts";
import {
  loadModel,
  MODEL_VERSION,
  parseModel,
  saveModel,
  serializeModel,
} from "../lib/eval/model_file.ts";
import { sha256Hex } from "../lib/data/files.ts";

const network = createNetwork({ sizes: [784, 16, 10], seed: 3 });
network.biases[0][2] = 0.125;
const model = {
  network,
  dataset: "mnist",
  training: { preset: "assignment", epochs: 2, learningRate: 0.1 },
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
    assertEquals(loaded.training, model.training);
    assertEquals(loaded.history, model.history);
    assertEquals(loaded.dataset, "mnist");
    const names = [...Deno.readDirSync(`${folder}/models`)].map((e) => e.name);
    assertEquals(names, ["m.json"], "no temporary file left behind");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
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
  await t.step("no such file", async () => {
    const error = await assertRejects(
      () => loadModel("/nonexistent/model.json"),
      Deno.errors.NotFound,
    );
    assert(error.message.includes("Train one first"), error.message);
  });
});
