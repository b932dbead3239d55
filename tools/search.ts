/**
 * `deno task search`: the experiments that chose the presets. Each candidate is a preset with
 * some settings changed, trained on the training images less a validation split (10%, seeded) and
 * judged by its accuracy on that split — never on the test set, which only the final presets see.
 * Results go to docs/results/<search>.json (merged by candidate) and a table in
 * docs/results/<search>.md, with the date, the machine and the time each took.
 *
 * Usage: deno task search mlp [--only "NAME|NAME"] [--dataset fashion-mnist]
 *
 * @module
 */

import * as lib from "../lib/mod.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** A candidate: a name, the preset it starts from, and what it changes. */
interface Candidate {
  name: string;
  preset: string;
  overrides: lib.RunOverrides;
}

const mlp = (name: string, overrides: lib.RunOverrides): Candidate => ({
  name,
  preset: "assignment",
  overrides: {
    hiddenSizes: [800, 800],
    activation: "relu",
    init: "auto",
    optimizer: "momentum",
    learningRate: 0.05,
    momentum: 0.9,
    weightDecay: 5e-5,
    schedule: "cosine",
    epochs: 30,
    ...overrides,
  },
});

const LENET = "conv(32,5) relu maxpool(2) conv(64,5) relu maxpool(2) flatten";
const VGG =
  "conv(32,3) relu conv(32,3) relu maxpool(2) conv(64,3) relu conv(64,3) relu maxpool(2) flatten dense(256) relu dropout(0.5)";
const VGG_DROPOUT =
  "conv(32,3) relu conv(32,3) relu maxpool(2) dropout(0.25) conv(64,3) relu conv(64,3) relu maxpool(2) dropout(0.25) flatten dense(256) relu dropout(0.5)";
const cnn = (name: string, overrides: lib.RunOverrides): Candidate => ({
  name,
  preset: "cnn",
  overrides,
});

/** The searches, by name. */
const SEARCHES: Record<string, Candidate[]> = {
  mlp: [
    mlp("800-800 relu, momentum", {}),
    mlp("800-800 relu, momentum, dropout 0.5", { dropout: [0.5], epochs: 40 }),
    mlp("800-800 relu, momentum, dropout 0.3", { dropout: [0.3], epochs: 40 }),
    mlp("1024-1024 relu, momentum, dropout 0.5", {
      hiddenSizes: [1024, 1024],
      dropout: [0.5],
      epochs: 40,
    }),
    mlp("800-800 relu, adamw, dropout 0.5", {
      dropout: [0.5],
      optimizer: "adamw",
      learningRate: 0.001,
      weightDecay: 0.01,
      epochs: 40,
    }),
    mlp("800-800 relu, momentum, dropout 0.5, affine+elastic", {
      dropout: [0.5],
      augment: "affine+elastic",
      epochs: 60,
    }),
    mlp("800-800 relu, momentum, dropout 0.2, affine+elastic", {
      dropout: [0.2],
      augment: "affine+elastic",
      epochs: 60,
    }),
    mlp("800-800 relu, momentum, dropout 0.5, input dropout 0.2", {
      dropout: [0.5],
      inputDropout: 0.2,
      epochs: 60,
    }),
    mlp("800-800 relu, momentum, elastic", { augment: "elastic", epochs: 80 }),
    mlp("800-800 relu, momentum, dropout 0.2", { dropout: [0.2], epochs: 60 }),
    mlp("800-800 relu, momentum, dropout 0.5, input dropout 0.2, 100 epochs", {
      dropout: [0.5],
      inputDropout: 0.2,
      epochs: 100,
    }),
  ],
  cnn: [
    cnn("2 conv 5×5 (32, 64), dense 256, dropout 0.5, 20 epochs", {
      layers: `${LENET} dense(256) relu dropout(0.5)`,
    }),
    cnn("2 conv 5×5 (32, 64), dense 1024, dropout 0.5, 20 epochs", {
      layers: `${LENET} dense(1024) relu dropout(0.5)`,
    }),
    cnn("4 conv 3×3 (32, 32, 64, 64), dense 256, dropout 0.5, 20 epochs", { layers: VGG }),
    cnn(
      "4 conv 3×3 (32, 32, 64, 64), dropout 0.25 after each pooling, dense 256, dropout 0.5, 20 epochs",
      {
        layers: VGG_DROPOUT,
      },
    ),
    cnn("4 conv 3×3 (32, 32, 64, 64), dense 256, dropout 0.5, affine, 30 epochs", {
      layers: VGG,
      augment: "affine",
      epochs: 30,
    }),
    cnn("2 conv 5×5 (32, 64), dense 256, dropout 0.5, affine, 30 epochs", {
      layers: `${LENET} dense(256) relu dropout(0.5)`,
      augment: "affine",
      epochs: 30,
    }),
  ],
};

const args = Deno.args;
const search = args[0];
if (!search || !SEARCHES[search]) {
  console.error(`usage: deno task search ${Object.keys(SEARCHES).join("|")} [--only "NAME|NAME"]`);
  Deno.exit(2);
}
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = flag("--only")?.split("|");
const dataset = (flag("--dataset") ?? "mnist") as lib.DatasetName;
const jsonPath = `${ROOT}/docs/results/${search}-${dataset}.json`;
const results: Record<string, Record<string, unknown>> = await Deno.readTextFile(jsonPath)
  .then(JSON.parse, () => ({}));

for (const candidate of SEARCHES[search]) {
  if (only && !only.includes(candidate.name)) continue;
  const settings = lib.resolveSettings(candidate.preset, {
    ...candidate.overrides,
    dataset,
    validationSplit: 0.1,
  });
  const data = await lib.loadRunData(settings);
  const network = lib.networkFor(settings);
  const started = performance.now();
  console.log(`${candidate.name}: ${lib.describeRun(settings)}`);
  const { history } = await lib.train(network, data.train, {
    ...settings,
    validation: data.validation,
    onNotice: (line) => console.log(`note: ${line}`),
    onEpoch: (r) =>
      console.log(
        `  epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, validation ${
          (100 * r.validationAccuracy!).toFixed(2)
        }%`,
      ),
  });
  const last = history.at(-1)!;
  const best = history.reduce((a, b) => (b.validationAccuracy! > a.validationAccuracy! ? b : a));
  results[candidate.name] = {
    settings: candidate.overrides,
    validationAccuracy: last.validationAccuracy,
    bestValidationAccuracy: best.validationAccuracy,
    bestEpoch: best.epoch,
    epochs: history.length,
    seconds: Math.round((performance.now() - started) / 1000),
    secondsPerEpoch: +(history.reduce((s, r) => s + r.seconds, 0) / history.length).toFixed(2),
    engine: await lib.describeEngine(settings),
    date: new Date().toISOString().slice(0, 10),
    machine: `${navigator.hardwareConcurrency} logical CPUs, ${Deno.build.os} ${Deno.build.arch}`,
  };
  await lib.writeFileAtomic(jsonPath, JSON.stringify(results, null, 2) + "\n");
}

const rows = Object.entries(results).map(([name, r]) =>
  `| ${name} | ${(100 * (r.validationAccuracy as number)).toFixed(2)}% | ${
    (100 * (r.bestValidationAccuracy as number)).toFixed(2)
  }% (epoch ${r.bestEpoch}) | ${r.epochs} | ${r.secondsPerEpoch} s | ${r.date} |`
);
await lib.writeFileAtomic(
  jsonPath.replace(/\.json$/, ".md"),
  `# Search "${search}" on ${dataset}\n\nEach candidate trains on 90% of the training images and is ` +
    `judged on the other 10% (seeded); the test set is not used. Made by \`deno task search ${search}\`.\n\n` +
    `| candidate | validation accuracy, last epoch | best epoch | epochs | time per epoch | date |\n` +
    `| --- | --- | --- | --- | --- | --- |\n${rows.join("\n")}\n`,
);
