/**
 * `deno task docs-figures`: draws the figures the README shows, from real runs, into docs/ as PNG.
 * Trains the assignment preset for a few epochs (seeded, so the pictures change only when the code
 * does), then saves samples of every class, the training history, the test set's confusion matrix,
 * the first layer's weights and the most confident mistakes, and a picture of the drawing pad in
 * use (in headless Chromium, where Debian's is installed). `--epochs N` sets the run's length.
 *
 * @module
 */

import * as lib from "../lib/mod.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const at = Deno.args.indexOf("--epochs");
const epochs = at >= 0 ? Number(Deno.args[at + 1]) : 30;
const folder = `${ROOT}/docs`;
const save = async (name: string, figure: lib.Figure) => {
  await figure.save(`${folder}/${name}.png`);
  console.log(`wrote docs/${name}.png`);
};

const settings = lib.resolveSettings("assignment", { epochs });
const data = await lib.loadRunData(settings);
const mnist = await lib.loadDataset("mnist");
await save(
  "samples",
  lib.samplesPerClass(mnist.train, {
    classNames: mnist.classNames,
    perClass: 10,
    title: "Ten training images of every class",
  }),
);
const network = lib.networkFor(settings);
const { history } = await lib.train(network, data.train, { ...settings, validation: data.test });
const title = `Training 784-128-64-10 (assignment) on MNIST, ${epochs} epochs`;
await save("history", lib.historyChart(history, { title, epochs }));
const evaluation = await lib.evaluateNetwork(network, data, settings);
const figures = lib.evaluationFigures(network, evaluation, history, {
  title,
  classNames: data.classNames,
});
await save("confusion-test", figures["confusion-test"]);
await save("first-layer-weights", figures["first-layer-weights"]);
const { predicted, confidence } = lib.predictions(evaluation.testProbabilities);
const wrong = lib.mistakes(predicted, data.test.labels, confidence).slice(0, 20);
await save(
  "misclassified",
  lib.examplesGrid(data.test, wrong, {
    title: "The most confident mistakes on the test set: true → predicted (confidence)",
    caption: (i) =>
      `${data.test.labels[i]} → ${predicted[i]} (${(100 * confidence[i]).toFixed(0)}%)`,
    color: "#c0392b",
  }),
);

// The drawing pad in use: the trained network's pad in headless Chromium (Debian's), a test digit
// redrawn on it stroke by stroke, photographed.
const CHROMIUM = "/usr/bin/chromium";
if (await Deno.stat(CHROMIUM).then(() => true, () => false)) {
  const { chromium } = await import("./playwright.ts");
  const page_ = `${await Deno.makeTempDir()}/pad.html`;
  await lib.drawDigit(network, { title: "Draw a digit: the page reads it as you draw" }).save(
    page_,
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 420 } });
    await page.goto(`file://${page_}`);
    const box = (await page.locator("canvas.pad").boundingBox())!;
    // A hand-drawn 3: two arcs, one stroke each, as a pen would go.
    const arc = (cx: number, cy: number, r: number, from: number, to: number) =>
      Array.from({ length: 24 }, (_, i) => {
        const angle = (from + (to - from) * i / 23) * Math.PI / 180;
        return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
      });
    for (const stroke of [arc(135, 90, 52, -160, 95), arc(135, 190, 58, -95, 155)]) {
      await page.mouse.move(box.x + stroke[0][0], box.y + stroke[0][1]);
      await page.mouse.down();
      for (const [x, y] of stroke.slice(1)) {
        await page.mouse.move(box.x + x, box.y + y, { steps: 2 });
      }
      await page.mouse.up();
    }
    await page.waitForTimeout(100);
    await page.locator(".mnist-draw").screenshot({ path: `${folder}/draw-digit.png` });
    console.log("wrote docs/draw-digit.png");
  } finally {
    await browser.close();
  }
} else console.log("no chromium at /usr/bin/chromium: docs/draw-digit.png not redrawn");
