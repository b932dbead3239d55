/**
 * `deno task seeds`: one preset trained on several seeds, each scored, then the mean, the range and
 * the training time: a record needs a mean over seeds, not one lucky run. With `--validation` each
 * run holds out a sixth of the training images and is scored on them (to choose settings, never on
 * the test set).
 *
 *   deno task seeds speedrun 10
 *   deno task seeds speedrun 2 --validation '{"learningRate": 0.02}'
 */
import { applyOverrides, resolveSettings, type RunOverrides } from "../lib/mod.ts";
import { loadRunData, networkFor } from "../lib/run/experiment.ts";
import { train } from "../lib/train/loop.ts";
import { evaluateSet } from "../lib/eval/evaluate.ts";

const args = Deno.args.filter((a) => a !== "--validation");
const onValidation = args.length !== Deno.args.length;
const [preset = "", count = "3", changes = "{}"] = args;
const seeds = Number(count);
if (!preset || !Number.isInteger(seeds) || seeds < 1) {
  console.error("Usage: deno task seeds PRESET [SEEDS] [--validation] ['{\"setting\": value}']");
  Deno.exit(2);
}
const base = applyOverrides(resolveSettings(preset), {
  ...(JSON.parse(changes) as RunOverrides),
  validationSplit: onValidation ? 1 / 6 : 0,
});
const scores: number[] = [], seconds: number[] = [];
for (let seed = 1; seed <= seeds; seed++) {
  const settings = { ...base, seed };
  const data = await loadRunData(settings);
  const network = networkFor(settings);
  const started = performance.now();
  await train(network, data.train, settings);
  seconds.push((performance.now() - started) / 1000);
  const report = await evaluateSet(network, onValidation ? data.validation! : data.test, settings);
  scores.push(100 * report.accuracy);
  console.log(`seed ${seed}: ${scores.at(-1)!.toFixed(2)}% in ${seconds.at(-1)!.toFixed(2)} s`);
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
console.log(
  `${preset} on ${onValidation ? "validation" : "the test set"}, seeds 1-${seeds}: ` +
    `mean ${mean(scores).toFixed(3)}%, ${Math.min(...scores).toFixed(2)}% to ` +
    `${Math.max(...scores).toFixed(2)}%; training ${mean(seconds).toFixed(2)} s on average`,
);
