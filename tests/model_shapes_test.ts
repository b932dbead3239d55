/**
 * A model is checked whole before it is used: its sizes against its layers and input shape, its
 * inputs and outputs against its data set, every field of its kind; only the fields the format
 * defines are kept; and `classify` checks a network against the rows it is given on every engine.
 */
import { assert, assertEquals, assertRejects } from "./assert.ts";
import {
  classify,
  createNetwork,
  createSequential,
  matrix,
  type Network,
  parseModel,
} from "../lib/mod.ts";
import { type Body, cnnModelText, mlpModelText, reseal } from "./model_fixtures.ts";

const mlp: Body = JSON.parse(await mlpModelText());
const cnn: Body = JSON.parse(await cnnModelText());
const other = (network: Network) => ({
  weights: network.weights.map((w) => new Uint8Array(w.data.buffer).toBase64()),
  biases: network.biases.map((b) => new Uint8Array(b.buffer).toBase64()),
});

Deno.test("parseModel() checks a model whole: shapes, data set and the kind of every field", async (t) => {
  const cases: [string, Body, (b: Body) => void, string][] = [
    [
      "inputs that are not the data set's pixels",
      mlp,
      (b) => {
        b.network.sizes = [100, 4, 10];
        b.parameters = other(createNetwork({ sizes: [100, 4, 10] }));
      },
      "expected 784 inputs, one per pixel of mnist's 28×28 images, found 100",
    ],
    [
      "more outputs than the data set's classes",
      mlp,
      (b) => {
        b.network.sizes = [784, 4, 12];
        b.parameters = other(createNetwork({ sizes: [784, 4, 12] }));
      },
      "expected 10 outputs, one per class of mnist (its settings' data set), found 12",
    ],
    [
      "an input shape that does not give the sizes",
      cnn,
      (b) => {
        const small = createSequential({
          layers: "conv(2,3) relu maxpool(2) flatten",
          input: { channels: 1, height: 10, width: 10 },
        });
        b.network.input = small.input;
        b.parameters = other(small);
      },
      'network: expected sizes 100-200-10 for input 1×10×10 and layers "conv(2,3) relu maxpool(2) flatten dense(10)", found 784-1568-10',
    ],
    [
      "a seed that is text",
      mlp,
      (b) => b.network.seed = "7",
      "network: expected seed to be an integer",
    ],
    ["an unknown init", mlp, (b) => b.network.init = "bogus", "network: init: expected one of"],
    [
      "a date that is a number",
      mlp,
      (b) => b.createdAt = 5,
      "expected createdAt to be text, found 5",
    ],
    [
      "a loss that is text",
      mlp,
      (b) => b.history[0].loss = "low",
      'expected history[0].loss to be a number, found "low"',
    ],
    [
      "weights that are not base64",
      mlp,
      (b) => b.parameters.weights[0] = "!!!!",
      "parameters.weights[0]: expected base64 text",
    ],
    [
      "a network that is a list",
      mlp,
      (b) => b.network = [],
      "expected network to be an object, found []",
    ],
  ];
  for (const [what, base, change, message] of cases) {
    await t.step(what, async () => {
      const body = structuredClone(base);
      change(body);
      await assertRejects(
        async () => parseModel(await reseal(body), "'m.json'"),
        SyntaxError,
        `Cannot load model 'm.json': ${message}`,
      );
    });
  }
});

Deno.test("parseModel() keeps only the fields the format defines", async () => {
  const attack = "</script><script>alert(1)</script>";
  for (const base of [mlp, cnn]) {
    const body = structuredClone(base);
    body.note = attack;
    body.network.note = attack;
    if (body.network.input) body.network.input.note = attack;
    if (body.history[0]) body.history[0].note = attack;
    body.network.init = { kind: "normal", std: 0.1, note: attack };
    const model = await parseModel(await reseal(body));
    const kept = JSON.stringify(model, (_, v) => v instanceof Float32Array ? [] : v);
    assert(!kept.includes("note") && !kept.includes("script"), kept);
  }
});

Deno.test("parseModel() refuses a deeply nested file in one pass, before parsing it", async () => {
  const text = (await mlpModelText()).replace(/}$/, `,"x":${"[".repeat(2e6)}${"]".repeat(2e6)}}`);
  const started = performance.now();
  await assertRejects(
    () => parseModel(text, "'deep.json'"),
    SyntaxError,
    "Cannot load model 'deep.json': expected lists and objects nested at most 16 deep, found more",
  );
  assert(performance.now() - started < 1000, "refused at once");
});

Deno.test("classify() checks the network against the rows, and its outputs, on every engine", async (t) => {
  for (const engine of ["reference", "wasm", "native"] as const) {
    await t.step(engine, async () => {
      // A CNN whose layers were made for 10×10 images but whose sizes claim 784 inputs.
      const small = createSequential({
        layers: "conv(2,3) relu maxpool(2) flatten",
        input: { channels: 1, height: 10, width: 10 },
      });
      const lying = { ...small, sizes: [784, ...small.sizes.slice(1)] };
      await assertRejects(
        () => classify(lying, matrix(2, 784), { engine }),
        RangeError,
        "Cannot classify: the network is damaged: expected sizes 100-200-10",
      );
      await assertRejects(
        () => classify(createNetwork({ sizes: [784, 4, 10] }), matrix(2, 100), { engine }),
        RangeError,
        "Cannot classify: the rows have 100 values but the network takes 784 inputs",
      );
      const huge = createNetwork({ sizes: [784, 4, 10] });
      for (const w of huge.weights) w.data.fill(3e38);
      await assertRejects(
        () => classify(huge, matrix(1, 784, new Float32Array(784).fill(1)), { engine }),
        RangeError,
        "Cannot classify: the network's outputs are not numbers (row 0 gives NaN): its weights, as large as 3.00e+38, overflow 32-bit floats",
      );
      assertEquals((await classify(huge, matrix(0, 784), { engine })).rows, 0);
    });
  }
});

Deno.test("parseModel() reads the network's kind, or infers it from layers in older files", async (t) => {
  for (
    const [name, text, kind] of [
      ["an MLP", await mlpModelText(), "mlp"],
      ["a CNN", await cnnModelText(), "sequential"],
    ] as const
  ) {
    await t.step(`${name} written now says its kind`, async () => {
      assertEquals(JSON.parse(text).network.kind, kind);
      assertEquals((await parseModel(text)).network.kind, kind);
    });
    await t.step(`${name} written before kinds (none) loads as ${kind}`, async () => {
      const body = JSON.parse(text);
      delete body.network.kind;
      assertEquals((await parseModel(await reseal(body))).network.kind, kind);
    });
  }
  await t.step("a kind that does not match the layers is refused", async () => {
    const body = JSON.parse(await cnnModelText());
    body.network.kind = "mlp";
    await assertRejects(
      async () => parseModel(await reseal(body), "'m.json'"),
      SyntaxError,
      `Cannot load model 'm.json': expected network.layers for kind "sequential" and none for kind "mlp", found kind "mlp" with layers`,
    );
    body.network.kind = "tree";
    await assertRejects(
      async () => parseModel(await reseal(body), "'m.json'"),
      SyntaxError,
      `Cannot load model 'm.json': expected network.kind to be "mlp" or "sequential", found "tree"`,
    );
  });
});
