import { assert, assertEquals, assertThrows } from "./assert.ts";
import {
  createSequential,
  describeEngine,
  evaluateNetwork,
  evaluationFigures,
  firstLayerFigure,
  loadRunData,
  networkFor,
  resolveSettings,
} from "../lib/mod.ts";
import { preset } from "../lib/mod.ts";
import { createNetwork } from "../lib/mod.ts";
import { classCounts } from "../lib/mod.ts";
import { filesTable, oneHotTable, table } from "../lib/mod.ts";
import { loadDataset } from "../lib/mod.ts";
import { oneHot } from "../lib/mod.ts";

Deno.test("resolveSettings() starts from the preset and applies only the overrides given", () => {
  const settings = resolveSettings("assignment", {
    epochs: 3,
    learningRate: null,
    dataset: undefined,
  });
  assertEquals(settings.epochs, 3);
  assertEquals(settings.learningRate, preset("assignment").learningRate);
  assertEquals(networkFor(settings).sizes, [784, 128, 64, 10]);
  assertEquals(settings.dataset, "mnist");
  assertEquals(resolveSettings("reference-notebook").batchSize, "full");
  assertThrows(
    () => resolveSettings("assignment", { epoch: 3 } as never),
    RangeError,
    'Invalid settings: unknown setting "epoch"; expected one of preset, dataset',
  );
  assertThrows(
    () => resolveSettings("bigger"),
    RangeError,
    'Unknown preset "bigger": expected one of "assignment", "reference-notebook", "best-mlp", "best-mlp-augmented", "cnn", "cnn-augmented", "cnn-batchnorm", "speedrun", "speedrun-light"',
  );
});

Deno.test("resolveSettings() names the bad field, what it expects and what it found", async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ learningRate: -1 }, "expected learningRate to be a positive number, found -1"],
    [
      { hiddenSizes: [128, 0] },
      "expected hiddenSizes to be a list of positive integers, found [128,0]",
    ],
    [{ seed: 2 ** 32 }, "expected seed to be an integer from 0 to 4294967295, found 4294967296"],
    [{ limitTrainingRows: 2.5 }, 'expected limitTrainingRows to be a positive integer, or "all"'],
    [{ engine: "gpu" }, 'expected engine to be one of auto, native, wasm, reference, found "gpu"'],
    [{ threads: 100 }, 'expected threads to be an integer from 1 to 4, or "auto"'],
    [{ schedule: "linear" }, "expected schedule to be one of constant, cosine, step"],
  ];
  for (const [overrides, message] of cases) {
    await t.step(JSON.stringify(overrides), () => {
      assertThrows(() => resolveSettings("assignment", overrides), RangeError, message);
    });
  }
});

Deno.test("describeEngine() says which engine runs, on how many threads, and why", async () => {
  assertEquals(
    await describeEngine({ engine: "wasm", threads: 2 }),
    "WebAssembly SIMD (lib/engines/c/) on 2 threads",
  );
  assertEquals(
    await describeEngine({ engine: "reference", threads: "auto" }),
    "reference TypeScript (lib/nn/) on 1 thread",
  );
  assert(
    /^native \((gcc|clang|cc)[^,]*, [^)]+\) on 1 thread$/.test(
      await describeEngine({ engine: "native", threads: 1 }),
    ),
  );
});

Deno.test("loadRunData() takes the balanced subset the reference-notebook preset asks for", async () => {
  const data = await loadRunData(resolveSettings("reference-notebook", { balancedPerClass: 30 }));
  assertEquals(classCounts(data.train.labels), new Array(10).fill(30));
  assertEquals(data.test.labels.length, 10000);
});

Deno.test("evaluateNetwork() reports both sets; evaluationFigures() draws every figure", async () => {
  const data = await loadRunData(resolveSettings("assignment", { limitTrainingRows: 500 }));
  const network = createNetwork();
  const report = await evaluateNetwork(network, data);
  const figures = evaluationFigures(network, report, [], {
    title: "untrained",
    classNames: data.classNames,
  });
  assertEquals([report.train.examples, report.test.examples], [500, 10000]);
  assertEquals(report.test.confusion.flat().reduce((a: number, b: number) => a + b), 10000);
  assertEquals(report.roc.length, 10);
  assert(
    report.test.accuracy > 0.03 && report.test.accuracy < 0.2,
    `untrained: ${report.test.accuracy}`,
  );
  assertEquals(Object.keys(figures).sort(), [
    "confusion-test",
    "confusion-train",
    "first-layer-weights",
    "roc-test",
  ]);
  assertEquals(firstLayerFigure(figures)?.[0], "first-layer-weights");
  // A network of layers that opens with a dense layer has no picture of its first layer.
  const dense = createSequential({ layers: "dense(16) relu" });
  const denseFigures = evaluationFigures(dense, await evaluateNetwork(dense, data), [], {
    title: "untrained",
    classNames: data.classNames,
  });
  assertEquals(firstLayerFigure(denseFigures), undefined);
});

Deno.test("tables round measurements and lay out files and one-hot rows", async () => {
  assertEquals(table([{ x: 0.123456789, n: 60000, s: "a" }]).toRecords(), [{
    x: 0.12346,
    n: 60000,
    s: "a",
  }]);
  const files = filesTable((await loadDataset("mnist")).files);
  assertEquals(files.columns, ["file", "dimensions", "bytes", "sha256", "source"]);
  assertEquals(files.height, 4);
  const onehot = oneHotTable([3, 1], oneHot([3, 1]), 2).toRecords();
  assertEquals(onehot[0]["class 3"], 1);
  assertEquals(onehot[1]["class 3"], 0);
});

Deno.test("loadRunData() carves the validation split from the training images, never the test set", async () => {
  const data = await loadRunData(resolveSettings("assignment", { validationSplit: 0.1 }));
  assertEquals([data.train.labels.length, data.validation!.labels.length], [54000, 6000]);
  assertEquals(data.test.labels.length, 10000);
  assertThrows(
    () => resolveSettings("assignment", { earlyStopping: 3 }),
    RangeError,
    "earlyStopping watches a validation split: expected validationSplit above 0, found 0",
  );
});

Deno.test("resolveSettings() applies a preset's adjustments for the data set, then the user's changes", () => {
  assertEquals(resolveSettings("best-mlp").dropout, [0.5]);
  const fashion = resolveSettings("best-mlp", { dataset: "fashion-mnist" });
  assertEquals([fashion.dropout, fashion.inputDropout], [[0.2], 0]);
  assertEquals(resolveSettings("best-mlp", { dataset: "fashion-mnist", dropout: [0.4] }).dropout, [
    0.4,
  ]);
});
