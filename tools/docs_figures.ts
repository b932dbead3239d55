/**
 * `deno task docs-figures`: draws the figures the README shows, from real runs, into docs/ as PNG.
 * Trains the assignment preset for a few epochs (seeded, so the pictures change only when the code
 * does), then saves samples of every class, the training history, the test set's confusion matrix,
 * the first layer's weights and the most confident mistakes. `--epochs N` sets the run's length.
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
