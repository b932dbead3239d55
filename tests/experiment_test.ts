import { assert, assertEquals, assertThrows } from "./assert.ts";
import {
  describeKernels,
  evaluateRun,
  loadRunData,
  resolveSettings,
} from "../lib/run/experiment.ts";
import { preset } from "../lib/run/presets.ts";
import { createNetwork } from "../lib/nn/mlp.ts";
import { classCounts } from "../lib/data/preprocess.ts";
import { filesTable, oneHotTable, table } from "../lib/show/tables.ts";
import { loadDataset } from "../lib/data/datasets.ts";
import { oneHot } from "../lib/data/preprocess.ts";

Deno.test("resolveSettings() starts from the preset and applies only the overrides given", () => {
  const settings = resolveSettings("assignment", {
    epochs: 3,
    learningRate: null,
    dataset: undefined,
  });
  assertEquals(settings.epochs, 3);
  assertEquals(settings.learningRate, preset("assignment").training.learningRate);
  assertEquals(settings.sizes, [784, 128, 64, 10]);
  assertEquals(settings.dataset, "mnist");
  assertEquals(resolveSettings("reference-notebook").batchSize, "full");
  assertThrows(
    () => resolveSettings("assignment", { epoch: 3 } as never),
    RangeError,
    'Unknown setting "epoch": expected one of preset, dataset',
  );
  assertThrows(
    () => resolveSettings("bigger"),
    RangeError,
    'Unknown preset "bigger": expected one of "assignment", "reference-notebook"',
  );
});

Deno.test("describeKernels() says which path and how many threads", () => {
  assertEquals(
    describeKernels({ kernels: "fast", threads: 2 }),
    "fast WebAssembly SIMD kernels (lib/fast/) on 2 threads",
  );
  assertEquals(
    describeKernels({ kernels: "reference", threads: null }),
    "reference TypeScript kernels (lib/kernels.ts) on 1 thread",
  );
});

Deno.test("loadRunData() takes the balanced subset the reference-notebook preset asks for", async () => {
  const data = await loadRunData(resolveSettings("reference-notebook", { balancedPerClass: 30 }));
  assertEquals(classCounts(data.train.labels), new Array(10).fill(30));
  assertEquals(data.test.labels.length, 10000);
});

Deno.test("evaluateRun() reports both sets and draws every figure", async () => {
  const data = await loadRunData(resolveSettings("assignment", { limitTrainingRows: 500 }));
  const { report, figures } = await evaluateRun(createNetwork(), data, [], { title: "untrained" });
  assertEquals([report.train.examples, report.test.examples], [500, 10000]);
  assertEquals(report.test.confusion.flat().reduce((a, b) => a + b), 10000);
  assertEquals(report.auc.length, 10);
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
