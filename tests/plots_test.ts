import { assert, assertEquals, assertThrows } from "./assert.ts";
import { encodePng } from "../lib/mod.ts";
import { combine, plot } from "../lib/mod.ts";
import { digitFigure, imageGrid, samplesPerClass } from "../lib/mod.ts";
import { classCountsChart, histogramBins, histogramChart } from "../lib/mod.ts";
import { classTickLayout, historyChart, MAX_WIDTH, probabilityBars, rocChart } from "../lib/mod.ts";
import { DATASETS, loadDataset } from "../lib/mod.ts";
import { classCounts } from "../lib/mod.ts";
import * as Plot from "@observablehq/plot";
import { Buffer } from "node:buffer";
import { PNG } from "pngjs";

const mnist = await loadDataset("mnist");
const digit = mnist.train.pixels.subarray(0, 784);

Deno.test("encodePng() writes a PNG that decodes to the same pixels, grey or RGB", () => {
  const grey = new Uint8Array([0, 255, 128, 64]);
  const png = encodePng(2, 2, grey);
  assertEquals([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const decoded = PNG.sync.read(Buffer.from(png));
  assertEquals([decoded.width, decoded.height], [2, 2]);
  assertEquals([...new Uint8Array(decoded.data)].filter((_, i) => i % 4 === 0), [...grey]);
  const rgb = new Uint8Array([10, 20, 30, 40, 50, 60]);
  const colour = PNG.sync.read(Buffer.from(encodePng(2, 1, rgb, 3)));
  assertEquals([...new Uint8Array(colour.data)].filter((_, i) => i % 4 !== 3), [...rgb]);
  assertThrows(() => encodePng(2, 2, new Uint8Array(3)), RangeError, "expected 4 bytes, found 3");
});

Deno.test("plot() requires a title and returns a standalone SVG", () => {
  assertThrows(() => plot({ title: "", marks: [] }), TypeError, "expected a title");
  const figure = plot({
    title: "Squares",
    x: { label: "n" },
    y: { label: "n²" },
    marks: [Plot.line([1, 4, 9])],
  });
  assert(figure.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert(figure.svg.includes(">Squares</text>"), "title drawn in the SVG");
  const display = (figure as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assertEquals(display["image/svg+xml"], figure.svg);
});

Deno.test("digit figures embed the digit as a PNG image", async (t) => {
  await t.step("digitFigure()", () => {
    const figure = digitFigure(digit, { title: "Label 5" });
    assert(figure.svg.includes('href="data:image/png;base64,'));
    assert(
      figure.svg.includes("column (pixel)") && figure.svg.includes("row (pixel)"),
      "axes labelled",
    );
    assertThrows(() => digitFigure(new Uint8Array(10), { title: "x" }), RangeError, "found 10");
  });
  await t.step("imageGrid() draws one image and one caption per item", () => {
    const items = [0, 1, 2].map((i) => ({
      pixels: mnist.train.pixels.subarray(i * 784, (i + 1) * 784),
      caption: `#${i}`,
    }));
    const svg = imageGrid(items, { title: "Three", columns: 2 }).svg;
    assertEquals(svg.match(/data:image\/png/g)?.length, 3);
    assert(svg.includes(">#2</text>"));
  });
  await t.step("samplesPerClass() draws classes × perClass images", () => {
    const svg =
      samplesPerClass(mnist.train, { classNames: mnist.classNames, perClass: 3, title: "S" }).svg;
    assertEquals(svg.match(/data:image\/png/g)?.length, 30);
  });
});

Deno.test("histogramBins() counts every value once, the maximum in the last bin", () => {
  const bins = histogramBins([0, 0.1, 0.5, 0.99, 1], 2, [0, 1]);
  assertEquals(bins.map((b) => b.count), [2, 3]);
  assertEquals([bins[1].x0, bins[1].x1], [0.5, 1]);
});

Deno.test("charts and combined figures save as SVG files", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const counts = classCountsChart(classCounts(mnist.test.labels), {
      classNames: mnist.classNames,
      title: "Counts",
    });
    const histogram = histogramChart(histogramBins(digit, 8, [0, 256]), {
      title: "H",
      xLabel: "intensity",
    });
    const both = combine([counts, histogram], { title: "Both" });
    assert(both.size.width > counts.size.width, "side by side");
    const path = await both.save(`${folder}/figures/both.svg`);
    assertEquals(await Deno.readTextFile(path), both.svg);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

const FASHION = DATASETS["fashion-mnist"].classNames;

Deno.test("histogram panels are named in dark text, not in a white-only outline", () => {
  const bins = ["hidden layer 1", "output probabilities"].flatMap((series) =>
    histogramBins([0.1, 0.2, 0.9], 4, [0, 1]).map((b) => ({ ...b, series }))
  );
  const svg = histogramChart(bins, { title: "H", xLabel: "activation", logScale: false }).svg;
  for (const name of ["hidden layer 1", "output probabilities"]) {
    // The label's own <text> (or its group) must carry a dark fill.
    const at = svg.indexOf(`>${name}</text>`);
    assert(at > 0, `${name} drawn`);
    const group = svg.lastIndexOf("<g", at);
    assert(svg.slice(group, at).includes('fill="#222"'), `${name} filled dark`);
  }
});

Deno.test("figures fit an 840-pixel output: capped plots, wrapped combinations", () => {
  const wide = plot({ title: "Wide", width: 2000, marks: [Plot.line([1, 2])] });
  assertEquals(wide.size.width, MAX_WIDTH);
  const counts = [6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000];
  const pair = combine([
    classCountsChart(counts, { classNames: FASHION, title: "Training set" }),
    classCountsChart(counts, { classNames: FASHION, title: "Test set" }),
  ], { title: "Images per class" });
  assert(pair.size.width <= MAX_WIDTH, `class counts side by side: ${pair.size.width}`);
  assert(pair.size.height < 500, "still one row");
  // Notebook 04's grid: a digit beside its probabilities, two pairs a row, wraps to fit.
  const digitAndBars = combine([
    digitFigure(digit, { title: "Test image 0: label 5", size: 140 }),
    probabilityBars(new Float32Array(10).fill(0.1), {
      classNames: FASHION,
      title: "predicted Bag",
      highlight: 8,
    }),
  ]);
  const grid = combine([digitAndBars, digitAndBars, digitAndBars, digitAndBars], {
    title: "Probabilities",
    columns: 2,
    gap: 24,
  });
  assert(grid.size.width <= MAX_WIDTH, `grid width ${grid.size.width}`);
  assert(grid.size.height > 4 * digitAndBars.size.height, "one pair a row");
  // Long captions take fewer columns rather than a wider grid.
  const items = Array.from({ length: 20 }, (_, i) => ({
    pixels: digit,
    caption: `predicted ${i}, label ${i}: a long caption`,
  }));
  assert(imageGrid(items, { title: "Captions" }).size.width <= MAX_WIDTH);
});

Deno.test("classTickLayout() rotates long class names and leaves room for them", () => {
  assertEquals(classTickLayout(["0", "1"]).tickRotate, 0);
  const fashion = classTickLayout(FASHION);
  assert(fashion.tickRotate < 0, "rotated");
  // "T-shirt/top" rotated reaches about 45 px down and 55 px left of its tick.
  assert(fashion.marginBottom >= 60 && fashion.marginLeft >= 45, JSON.stringify(fashion));
});

Deno.test("historyChart() labels both panels' axes and keeps its end labels inside", () => {
  const history = Array.from({ length: 100 }, (_, i) => ({
    epoch: i + 1,
    loss: 1 / (i + 1),
    trainAccuracy: 1 - 0.5 / (i + 2),
    validationLoss: 1.1 / (i + 1),
    validationAccuracy: 1 - 0.6 / (i + 2),
    learningRate: 0.1,
    seconds: 1,
  }));
  const figure = historyChart(history, { title: "Training" });
  assert(figure.size.width <= MAX_WIDTH);
  for (const text of ["epoch", "loss (log scale)", "accuracy (%)", ">100</text>", "Training"]) {
    assert(figure.svg.includes(text), `shows ${text}`);
  }
  // Early in a live run the end labels read rightwards, away from the y axis.
  const live = historyChart(history.slice(0, 3), { title: "Training", epochs: 100 }).svg;
  assert(/text-anchor="start"[^>]*><text[^>]*>training 87\.50%/.test(live), "labels read right");
  const done = historyChart(history, { title: "Training" }).svg;
  assert(/text-anchor="end"[^>]*><text[^>]*>training 99\.50%/.test(done), "labels read left");
});

Deno.test("rocChart() draws each class in a saturated categorical colour, in both panels", () => {
  const points = [
    { falsePositiveRate: 0, truePositiveRate: 0 },
    { falsePositiveRate: 0.01, truePositiveRate: 0.9 },
    { falsePositiveRate: 1, truePositiveRate: 1 },
  ];
  const svg = rocChart(
    FASHION.slice(0, 3).map((name, c) => ({ name, auc: 0.99 - c / 100, points })),
    { title: "ROC" },
  ).svg;
  // The first three of the ten: blue, red, green; in the curves of both panels and the legend.
  for (const colour of ["#1f77b4", "#d62728", "#2ca02c"]) {
    assert((svg.match(new RegExp(colour, "g"))?.length ?? 0) >= 3, `${colour} used throughout`);
  }
  assert(svg.includes("true positive rate") && svg.includes("false positive rate"));
});
