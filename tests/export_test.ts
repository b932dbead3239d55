/**
 * Exporting to ONNX and safetensors, proven by the real runtimes: ONNX Runtime (the npm package
 * `onnxruntime-node`, its CPU build) runs every exported graph on the 10,000 test images and must
 * give the library's probabilities within 1e-5 and the same predictions; where Python has PyTorch
 * and safetensors (`$MNIST_PYTHON`, `python3`, …), PyTorch loads every exported safetensors file
 * into the network its metadata names and must agree as closely, and a network trained in PyTorch
 * (bench/torch_export.py) must come back in and give PyTorch's answers. CI does not install
 * PyTorch (several GB), so there those two tests are skipped with a message. Then every kind of bad
 * file, and the command line.
 */
import { toolArgs } from "./env.ts";
import * as ort from "onnxruntime-node";
import { PNG } from "pngjs";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import {
  architectureOf,
  classify,
  decodeSafetensors,
  encodeSafetensors,
  exportOnnx,
  exportSafetensors,
  importSafetensors,
  isSequential,
  loadDataset,
  loadModel,
  type Matrix,
  type NamedTensor,
  networkFor,
  normalizeImages,
  ONNX_OPSET,
  predictions,
  Random,
  resolveSettings,
  type RunSettings,
  sameParameters,
  type SavedModel,
  saveExport,
  saveModel,
  takeExamples,
  torchParameters,
  torchStateDict,
  train,
} from "../lib/mod.ts";
import { ModelProto } from "../lib/export/onnx_schema.ts";
import { pythonWith } from "../tools/commands.ts";

const mnist = await loadDataset("mnist");
const test = normalizeImages(mnist.test);
const trainRows = takeExamples(
  normalizeImages(mnist.train),
  Array.from({ length: 600 }, (_, i) => i),
);

/** A model trained for one epoch on 600 images: small, but with weights that mean something. */
async function trained(settings: RunSettings): Promise<SavedModel> {
  const network = networkFor(settings);
  const { history } = await train(network, trainRows, {
    epochs: 1,
    batchSize: 50,
    learningRate: 0.05,
    momentum: 0.9,
    onNotice: () => {},
  });
  // Biases that are not all zero, so a bias read from the wrong place shows.
  network.biases.forEach((b) => b.forEach((_, i) => b[i] += 0.01 * (i % 3)));
  return { network, settings, history };
}

const mlp = (activation: RunSettings["activation"]) =>
  resolveSettings("assignment", { hiddenSizes: [32, 16], activation, seed: 3 });
const cnn = (layers: string) => resolveSettings("cnn", { layers, seed: 5 });
/** Every activation, pooling, padding and none, dropout, dense layers straight on images. */
const SETTINGS: Record<string, RunSettings> = {
  "mlp sigmoid": mlp("sigmoid"),
  "mlp tanh": mlp("tanh"),
  "mlp relu": mlp("relu"),
  "mlp silu": mlp("silu"),
  "cnn": cnn("conv(4,3) relu maxpool(2) conv(6,3,0) sigmoid flatten dense(12) tanh dropout(0.5)"),
  "cnn odd": cnn("conv(5,3,0) maxpool(3) silu conv(7,2) relu dense(13) tanh dropout(0.4)"),
  // A convolution on a flat vector, and a dense layer on a 4 × 1 × 1 image.
  "cnn flat": cnn("conv(3,3) relu flatten conv(4,1) sigmoid dense(8) relu"),
  // Only dense layers, yet a network of layers: PyTorch's starts with nn.Flatten().
  "dense layers": cnn("dense(24) relu"),
  // Batch normalisation of an image and of a flat vector, with its running averages.
  "cnn batchnorm": cnn("conv(4,3) batchnorm relu maxpool(2) flatten dense(12) batchnorm tanh"),
};
const models: Record<string, SavedModel> = {};
for (const [name, settings] of Object.entries(SETTINGS)) models[name] = await trained(settings);

/** The largest |a − b| over two arrays of the same length, and the rows whose argmax differs. */
function agreement(ours: Matrix, theirs: Float32Array) {
  assertEquals(theirs.length, ours.data.length, "as many probabilities");
  let worst = 0;
  for (let i = 0; i < theirs.length; i++) {
    worst = Math.max(worst, Math.abs(theirs[i] - ours.data[i]));
  }
  const a = predictions(ours).predicted;
  const b = predictions({ ...ours, data: theirs }).predicted;
  return { worst, differ: a.filter((p, i) => p !== b[i]).length };
}

const probabilities: Record<string, Matrix> = {};
for (const [name, model] of Object.entries(models)) {
  probabilities[name] = await classify(model.network, test.images);
}

Deno.test("exportOnnx(): ONNX Runtime gives the library's probabilities on 10,000 test images", async (t) => {
  for (const [name, model] of Object.entries(models)) {
    await t.step(name, async () => {
      const session = await ort.InferenceSession.create(await exportOnnx(model));
      try {
        assertEquals([session.inputNames, session.outputNames], [["image"], ["probabilities"]]);
        const image = new ort.Tensor("float32", test.images.data, [test.images.rows, 1, 28, 28]);
        const { probabilities: out } = await session.run({ image });
        const { worst, differ } = agreement(probabilities[name], out.data as Float32Array);
        console.log(`  ${name}: largest difference ${worst.toExponential(2)}, ${differ} differ`);
        assert(worst <= 1e-5, `${name}: ONNX Runtime differs by ${worst}`);
        assertEquals(differ, 0, `${name}: predictions that differ`);
      } finally {
        await session.release();
      }
    });
  }
});

Deno.test("exportOnnx() names its tensors, its opset and its settings", async () => {
  const model = models["cnn"];
  const decoded = ModelProto.toObject(ModelProto.decode(await exportOnnx(model)), {
    longs: Number,
  }) as {
    opset_import: { version: number }[];
    graph: { node: { name: string; op_type: string }[]; initializer: { name: string }[] };
    metadata_props: { key: string; value: string }[];
  };
  assertEquals(decoded.opset_import[0].version, ONNX_OPSET);
  assertEquals(
    decoded.graph.node.map((n) => `${n.name}:${n.op_type}`).join(" "),
    "conv1:Conv relu2:Relu maxpool3:MaxPool conv4:Conv sigmoid5:Sigmoid flatten6:Flatten " +
      "dense7:Gemm tanh8:Tanh dropout9:Identity dense10:Gemm softmax:Softmax",
  );
  assertEquals(decoded.graph.initializer.map((i) => i.name).slice(0, 3), [
    "conv1.weight",
    "conv1.bias",
    "conv4.weight",
  ]);
  const meta = Object.fromEntries(decoded.metadata_props.map((p) => [p.key, p.value]));
  assertEquals(JSON.parse(meta.settings), model.settings);
  assertEquals(meta.dataset, "mnist");
  assertEquals(meta.layers, model.settings.layers);
});

Deno.test("exportSafetensors() keeps PyTorch's names and layouts, and imports back identical", async (t) => {
  await t.step("the MLP: nn.Linear weights are [out, in]", () => {
    const model = models["mlp relu"];
    const file = decodeSafetensors(exportSafetensors(model));
    assertEquals(file.tensors.map((x) => `${x.name}[${x.shape}]`), [
      "0.weight[32,784]",
      "0.bias[32]",
      "2.weight[16,32]",
      "2.bias[16]",
      "4.weight[10,16]",
      "4.bias[10]",
    ]);
    const w = model.network.weights[1];
    // PyTorch's weight[o][i] is the project's W[i][o].
    assertEquals(file.tensors[2].data[5 * 32 + 7], w.data[7 * w.cols + 5]);
    assertEquals(
      file.metadata.pytorch,
      "nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 10))",
    );
  });
  await t.step("a CNN: nn.Conv2d weights are [out, in, k, k], as the project keeps them", () => {
    const model = models["cnn odd"];
    const tensors = torchStateDict(model.network);
    assertEquals(tensors.map((x) => `${x.name}[${x.shape}]`), [
      "0.weight[5,1,3,3]",
      "0.bias[5]",
      "3.weight[7,5,2,2]",
      "3.bias[7]",
      "6.weight[13,567]",
      "6.bias[13]",
      "9.weight[10,13]",
      "9.bias[10]",
    ]);
    assertEquals(tensors[0].data, model.network.weights[0].data);
  });
  for (const [name, model] of Object.entries(models)) {
    await t.step(`${name} round-trips`, () => {
      const back = importSafetensors(exportSafetensors(model), "'m.safetensors'");
      assert(sameParameters(back.network, model.network), "the same weights and biases");
      assertEquals(back.settings, model.settings);
      assertEquals(back.network.kind, model.network.kind);
      assertEquals(
        isSequential(back.network) && back.network.layers,
        isSequential(model.network) && model.network.layers,
      );
    });
  }
});

Deno.test("importSafetensors() reads a PyTorch file without metadata, given its layers", async () => {
  const model = models["cnn"];
  const bytes = encodeSafetensors({ tensors: torchStateDict(model.network), metadata: {} });
  const back = importSafetensors(bytes, "'torch.safetensors'", { layers: model.settings.layers });
  assert(sameParameters(back.network, model.network));
  assertEquals(back.settings.preset, "pytorch");
  const again = await classify(back.network, test.images);
  assertEquals(agreement(probabilities["cnn"], again.data), { worst: 0, differ: 0 });
});

const torchPython = await pythonWith(["torch", "safetensors", "numpy"]);
const NO_TORCH = "no python3 with torch, safetensors and numpy (set MNIST_PYTHON to one)";
if (!torchPython) {
  console.warn(`Skipping the PyTorch agreement tests: ${NO_TORCH}; CI does not install PyTorch.`);
}
const here = (path: string) => decodeURIComponent(new URL(path, import.meta.url).pathname);

async function python(args: string[]): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(torchPython!, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert(success, `${args[0]} failed: ${new TextDecoder().decode(stderr)}${out}`);
  return out;
}

const readFloats = async (path: string) => {
  const bytes = await Deno.readFile(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
};

Deno.test({
  name:
    "exportSafetensors(): PyTorch's load_state_dict takes every file and agrees on 10,000 images",
  ignore: !torchPython,
  fn: async (t) => {
    const folder = await Deno.makeTempDir({ prefix: "export-test-" });
    try {
      const images = `${folder}/images.f32`;
      await Deno.writeFile(images, new Uint8Array(test.images.data.buffer));
      for (const [name, model] of Object.entries(models)) {
        await t.step(name, async () => {
          const file = `${folder}/${name.replace(" ", "-")}.safetensors`;
          await saveExport(file, model, "safetensors");
          await python([here("./torch_agreement.py"), file, images, `${file}.out`]);
          const { worst, differ } = agreement(probabilities[name], await readFloats(`${file}.out`));
          console.log(`  ${name}: largest difference ${worst.toExponential(2)}, ${differ} differ`);
          assert(worst <= 1e-5, `${name}: PyTorch differs by ${worst}`);
          assertEquals(differ, 0, `${name}: predictions that differ`);
        });
      }
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

/** Writes a data set's images and labels as IDX files, for the PyTorch script to read. */
async function writeIdx(folder: string, set: typeof mnist.train, prefix: string, rows: number) {
  const header = (magic: number, dims: number[]) => {
    const bytes = new Uint8Array(4 + 4 * dims.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, magic);
    dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
    return bytes;
  };
  const pixels = set.pixels.subarray(0, rows * 784);
  await Deno.writeFile(
    `${folder}/${prefix}-images-idx3-ubyte`,
    new Uint8Array([...header(0x803, [rows, 28, 28]), ...pixels]),
  );
  await Deno.writeFile(
    `${folder}/${prefix}-labels-idx1-ubyte`,
    new Uint8Array([...header(0x801, [rows]), ...set.labels.subarray(0, rows)]),
  );
}

Deno.test({
  name: "a network trained in PyTorch loads as a project model and gives PyTorch's answers",
  ignore: !torchPython,
  fn: async (t) => {
    const folder = await Deno.makeTempDir({ prefix: "torch-import-test-" });
    try {
      await writeIdx(folder, mnist.train, "train", 2000);
      await writeIdx(folder, mnist.test, "t10k", 10000);
      for (const kind of ["mlp", "cnn"]) {
        await t.step(kind, async () => {
          const file = `${folder}/torch-${kind}.safetensors`;
          const script = here("../bench/torch_export.py");
          await python([script, "--kind", kind, "--epochs", "1", "--data", folder, "--out", file]
            .concat(["--probabilities"]));
          const model = await loadModel(file);
          assertEquals(
            model.network.kind,
            kind === "mlp" ? "mlp" : "sequential",
            "an MLP is an MLP",
          );
          assertEquals(model.settings.optimizer, "adam");
          const ours = await classify(model.network, test.images);
          const { worst, differ } = agreement(ours, await readFloats(`${file}.probabilities`));
          console.log(
            `  torch ${kind}: largest difference ${worst.toExponential(2)}, ${differ} differ`,
          );
          assert(worst <= 1e-5, `${kind}: the project differs from PyTorch by ${worst}`);
          assertEquals(differ, 0);
          const accuracy = predictions(ours).predicted.filter((p, i) =>
            p === test.labels[i]
          ).length;
          assert(accuracy > 5000, `PyTorch's ${kind} after one epoch on 2,000 images: ${accuracy}`);
        });
      }
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

Deno.test("architectureOf() and torchParameters() follow nn.Sequential's numbering", () => {
  const network = models["mlp sigmoid"].network;
  assertEquals(
    torchParameters(architectureOf(network)).map((p) => p.layer),
    ["dense(32) on 784 inputs", "dense(16) on 32 inputs", "dense(10) on 16 inputs"],
  );
});

const headerLength = (bytes: Uint8Array) =>
  Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));

/** A safetensors file with its header changed by `edit`, and the same data (plus `extra` bytes). */
function withHeader(
  bytes: Uint8Array,
  edit: (header: Record<string, Record<string, unknown>>) => void,
  extra = 0,
): Uint8Array {
  const length = headerLength(bytes);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const data = bytes.subarray(8 + length);
  const out = new Uint8Array(8 + json.length + data.length + extra);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

Deno.test("decodeSafetensors() names the file and the lie, and allocates nothing it was told to", async (t) => {
  const good = exportSafetensors(models["mlp relu"]);
  const fails = (bytes: Uint8Array, message: string) =>
    assertThrows(
      () => decodeSafetensors(bytes, "'bad.safetensors'"),
      SyntaxError,
      `Cannot read safetensors file 'bad.safetensors': ${message}`,
    );
  await t.step("too short", () => {
    fails(good.subarray(0, 4), "expected at least 8 bytes (the header's length), found 4");
  });
  await t.step("a header longer than the file", () => {
    const lying = good.slice();
    new DataView(lying.buffer).setBigUint64(0, 2n ** 60n, true);
    fails(
      lying,
      `the header claims 1152921504606846976 bytes but the file has only ${good.length - 8}`,
    );
  });
  await t.step("a header that is not JSON", () => {
    const broken = good.slice();
    broken[9] = 0x7d; // "}" where a quote should be
    fails(broken, "expected a JSON header of");
  });
  await t.step("bytes past the end of the data", () => {
    fails(
      withHeader(good, (h) => {
        (h["4.bias"].data_offsets as number[])[1] += 4;
        h["4.bias"].shape = [11];
      }),
      'tensor "4.bias": its bytes',
    );
  });
  await t.step("a shape that does not match its bytes", () => {
    fails(
      withHeader(good, (h) => h["0.weight"].shape = [32, 785]),
      'tensor "0.weight": shape [32,785] needs 100480 bytes, found 100352',
    );
  });
  await t.step("a shape far larger than the file, never allocated", () => {
    fails(
      withHeader(good, (h) => h["0.weight"].shape = [1e9, 1e9]),
      'tensor "0.weight": shape [1000000000,1000000000] needs 4000000000000000000 bytes',
    );
  });
  await t.step("tensors that overlap", () => {
    fails(
      withHeader(good, (h) => {
        h["0.bias"].data_offsets = [0, 128];
      }),
      'tensor "0.bias" overlaps the tensor before it (bytes 0–128)',
    );
  });
  await t.step("bytes after the last tensor", () => {
    fails(
      withHeader(good, () => {}, 4),
      `expected the tensors to fill the ${
        good.length - 8 - headerLength(good) + 4
      } bytes of data, found 4 bytes after the last`,
    );
  });
  await t.step("a dtype other than float32", () => {
    fails(
      withHeader(good, (h) => h["2.bias"].dtype = "F64"),
      'tensor "2.bias": expected dtype F32 (float32), found "F64"',
    );
  });
});

Deno.test("importSafetensors() refuses tensors that do not fit the layers, naming them", async (t) => {
  const model = models["mlp relu"];
  const tensors = torchStateDict(model.network);
  const file = (list: NamedTensor[], metadata: Record<string, string> = {}) =>
    encodeSafetensors({ tensors: list, metadata });
  const fails = (bytes: Uint8Array, message: string, layers?: string) =>
    assertThrows(
      () => importSafetensors(bytes, "'torch.safetensors'", { layers }),
      SyntaxError,
      `Cannot import 'torch.safetensors': ${message}`,
    );
  const layers = "dense(32) relu dense(16) relu";
  await t.step("no layers given or in the metadata", () => {
    fails(file(tensors), "expected the layers in the file's metadata");
  });
  await t.step("a missing name", () => {
    const renamed = tensors.map((x) => x.name === "2.weight" ? { ...x, name: "fc2.weight" } : x);
    fails(
      file(renamed),
      'expected a tensor named "2.weight" for dense(16) on 32 inputs, found none; the file holds "0.weight", "0.bias", "fc2.weight"',
      layers,
    );
  });
  await t.step("a tensor too many", () => {
    const more = [...tensors, { name: "6.weight", shape: [1], data: new Float32Array(1) }];
    fails(
      file(more),
      'expected only the tensors of layers "dense(32) relu dense(16) relu" (0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias), found "6.weight" [1] too',
      layers,
    );
  });
  await t.step("shapes that do not fit the declared layers", () => {
    fails(
      file(tensors),
      'tensor "0.weight" of dense(64) on 784 inputs: expected shape [64,784], found [32,784]',
      "dense(64) relu dense(16) relu",
    );
  });
  await t.step("layers far larger than the file, never allocated", () => {
    fails(
      file(tensors),
      'tensor "0.weight" of dense(100000000) on 784 inputs: expected shape [100000000,784]',
      "dense(100000000) relu dense(16) relu",
    );
  });
  await t.step("a layer text that is not layers", () => {
    fails(file(tensors), 'Cannot read the layer "dense(x)"', "dense(x) relu");
  });
  await t.step("values that are not finite", () => {
    const nan = tensors.map((x) =>
      x.name === "0.bias" ? { ...x, data: x.data.map((v, i) => i ? v : NaN) } : x
    );
    fails(file(nan), 'tensor "0.bias" of dense(32) on 784 inputs holds NaN', layers);
  });
});

Deno.test("loadModel() tells a model file, a safetensors file and anything else apart", async (t) => {
  const folder = await Deno.makeTempDir();
  try {
    const fails = async (name: string, bytes: Uint8Array, found: string) => {
      await Deno.writeFile(`${folder}/${name}`, bytes);
      await assertRejects(
        () => loadModel(`${folder}/${name}`),
        SyntaxError,
        `Cannot load model '${folder}/${name}': expected a model file (JSON) or a safetensors file, found ${found}`,
      );
    };
    await t.step(
      "a PNG image",
      () => fails("a.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10]), "a PNG image"),
    );
    await t.step(
      "an ONNX model",
      async () =>
        fails(
          "m.onnx",
          await exportOnnx(models["mlp tanh"]),
          "an ONNX model, which this project writes but does not read back",
        ),
    );
    await t.step("an empty file", () => fails("empty", new Uint8Array(0), "an empty file"));
    await t.step(
      "text",
      () =>
        fails(
          "notes.txt",
          new TextEncoder().encode("hello world"),
          "11 bytes that are neither (they begin 68 65 6c 6c 6f 20 77 6f)",
        ),
    );
    await t.step("a safetensors file, and a model file", async () => {
      const model = models["cnn odd"];
      await saveExport(`${folder}/m.safetensors`, model, "safetensors");
      await saveModel(`${folder}/m.json`, model);
      const [a, b] = [
        await loadModel(`${folder}/m.safetensors`),
        await loadModel(`${folder}/m.json`),
      ];
      assert(sameParameters(a.network, b.network));
      assertEquals(a.settings, b.settings);
    });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("deno task export writes either format, classify reads it, and a bad command line exits 2", async () => {
  const folder = await Deno.makeTempDir();
  const run = async (args: string[]) => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: toolArgs("export", ...args),
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code, out: new TextDecoder().decode(stdout), error: new TextDecoder().decode(stderr) };
  };
  try {
    const path = `${folder}/model.json`;
    await saveModel(path, models["cnn"]);
    const onnx = await run(["--model", path, "--format", "onnx"]);
    assertEquals([onnx.code, onnx.out.trim()], [
      0,
      `${folder}/model.onnx: ${models["cnn"].settings.layers} dense(10) as onnx`,
    ]);
    const session = await ort.InferenceSession.create(await Deno.readFile(`${folder}/model.onnx`));
    await session.release();
    const torch = await run(["--model", path, "--format=safetensors", "--out", `${folder}/t.st`]);
    assertEquals(torch.code, 0, torch.error);
    const back = await loadModel(`${folder}/t.st`);
    assert(sameParameters(back.network, models["cnn"].network), "the file imports back the same");
    // deno task classify reads the safetensors file as it reads a model file.
    const digit = new PNG({ width: 28, height: 28 });
    mnist.test.pixels.subarray(0, 784).forEach((v, i) => digit.data.set([v, v, v, 255], 4 * i));
    await Deno.writeFile(`${folder}/digit.png`, PNG.sync.write(digit));
    const classified = await new Deno.Command(Deno.execPath(), {
      args: toolArgs("classify", "--model", `${folder}/t.st`, `${folder}/digit.png`),
      stdout: "piped",
    }).output();
    const line = new TextDecoder().decode(classified.stdout).trim();
    assertEquals(classified.code, 0, line);
    assert(/digit\.png: predicted \d \(\d+\.\d%\), runner-up \d/.test(line), line);
    const usage = [
      [["--model", path], "--format is required: one of onnx, safetensors"],
      [
        ["--model", path, "--format", "tflite"],
        'Invalid value for --format: expected one of onnx, safetensors, found "tflite"',
      ],
      [["--format", "onnx"], "--model is required: the model file to export"],
      [["--model", path, "--format", "onnx", "--opset", "9"], "Unknown flag --opset"],
      [["--model"], "--model needs a value"],
    ] as const;
    for (const [args, line] of usage) {
      const result = await run([...args]);
      assertEquals(result.code, 2, `${args.join(" ")}: ${result.error}`);
      assertEquals(result.error.split("\n")[0], line);
    }
    const missing = await run(["--model", `${folder}/none.json`, "--format", "onnx"]);
    assertEquals(missing.code, 1);
    assert(missing.error.startsWith(`Cannot load model '${folder}/none.json': no such file`));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("importSafetensors() on 300 files damaged in their header or cut: a model or a clear error", () => {
  const bytes = exportSafetensors(models["cnn"]);
  const header = 8 + headerLength(bytes);
  const rng = new Random(21);
  for (let trial = 0; trial < 300; trial++) {
    const damaged = bytes.slice(0, rng.uniform() < 0.3 ? rng.integer(bytes.length) : bytes.length);
    for (let flips = 1 + rng.integer(3); flips > 0; flips--) {
      damaged[rng.integer(Math.min(header, damaged.length))] ^= 1 << rng.integer(8);
    }
    try {
      const model = importSafetensors(damaged, "'fuzz.safetensors'");
      assertEquals(model.network.sizes.at(-1), 10, `trial ${trial}`);
    } catch (error) {
      assert(error instanceof SyntaxError, `trial ${trial}: ${error}`);
      assert(
        /^Cannot (read safetensors file|import) 'fuzz\.safetensors': /.test(error.message),
        `trial ${trial}: ${error.message}`,
      );
    }
  }
});
