import { assert, assertEquals, assertThrows } from "./assert.ts";
import { encodePng } from "../lib/mod.ts";
import { combine, plot } from "../lib/mod.ts";
import { digitFigure, imageGrid, samplesPerClass } from "../lib/mod.ts";
import { classCountsChart, histogramBins, histogramChart } from "../lib/mod.ts";
import { loadDataset } from "../lib/mod.ts";
import { classCounts } from "../lib/mod.ts";
import * as Plot from "@observablehq/plot";

const mnist = await loadDataset("mnist");
const digit = mnist.train.pixels.subarray(0, 784);

Deno.test("encodePng() writes a valid PNG: signature, IHDR and stored-deflate IDAT", () => {
  const png = encodePng(2, 2, new Uint8Array([0, 255, 128, 64]));
  assertEquals([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assertEquals(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  assertEquals(new DataView(png.buffer).getUint32(16), 2);
  assertEquals(new TextDecoder().decode(png.subarray(png.length - 8, png.length - 4)), "IEND");
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
