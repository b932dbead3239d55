/**
 * `deno task train`: trains a preset from the command line, with a progress bar, and writes the
 * model, a metrics JSON and the figures to a new folder under data/runs/.
 *
 * @module
 */

import { figureSaver } from "../lib/show/figure.ts";
import { writeFileAtomic } from "../lib/data/files.ts";
import { formatDuration, progressBar } from "../lib/show/live.ts";
import { saveModel } from "../lib/eval/model_file.ts";
import { createNetwork } from "../lib/nn/mlp.ts";
import { PRESETS } from "../lib/run/presets.ts";
import { DATASETS } from "../lib/data/datasets.ts";
import {
  describeKernels,
  evaluateRun,
  loadRunData,
  resolveSettings,
  type RunOverrides,
} from "../lib/run/experiment.ts";
import { train } from "../lib/nn/train.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

export const USAGE = `Usage: deno task train [options]

Trains the network from the command line and writes the model, metrics.json and the figures to a
new folder under data/runs/.

Options:
  --preset NAME          ${Object.keys(PRESETS).join(" | ")} (default: assignment)
  --dataset NAME         ${Object.keys(DATASETS).join(" | ")} (default: mnist)
  --epochs N             passes over the training set (default: the preset's)
  --batch-size N|full    rows per mini-batch, or full-batch gradient descent (default: the preset's)
  --learning-rate X      the step size η (default: the preset's)
  --momentum X           momentum μ, 0 for plain gradient descent (default: the preset's)
  --weight-decay X       L2 weight decay λ (default: the preset's)
  --kernels NAME         fast (WebAssembly SIMD, default) | reference (the TypeScript kernels)
  --threads N            threads of the fast path (default: every core, up to 4)
  --seed N               seed of the weights and the shuffles (default: 695)
  --limit N              train on the first N training images only, for a quick try
  --out DIR              the folder to write (default: data/runs/<time>-<preset>-<dataset>)
  --help                 show this help

Example:
  deno task train --preset assignment --epochs 10
  deno task train --dataset fashion-mnist`;

/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

type Parser = (text: string, flag: string) => unknown;

const positiveInteger: Parser = (text, flag) => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) {
    throw new UsageError(`Invalid value for ${flag}: expected a positive integer, found "${text}"`);
  }
  return n;
};
const positiveNumber: Parser = (text, flag) => {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new UsageError(`Invalid value for ${flag}: expected a positive number, found "${text}"`);
  }
  return n;
};
const oneOf = (names: string[]): Parser => (text, flag) => {
  if (!names.includes(text)) {
    throw new UsageError(
      `Invalid value for ${flag}: expected one of ${names.join(", ")}, found "${text}"`,
    );
  }
  return text;
};

const FLAGS: Record<string, { key: keyof RunOverrides | "preset" | "out"; parse: Parser }> = {
  "--preset": { key: "preset", parse: oneOf(Object.keys(PRESETS)) },
  "--dataset": { key: "dataset", parse: oneOf(Object.keys(DATASETS)) },
  "--epochs": { key: "epochs", parse: positiveInteger },
  "--batch-size": {
    key: "batchSize",
    parse: (text, flag) => (text === "full" ? "full" : positiveInteger(text, flag)),
  },
  "--learning-rate": { key: "learningRate", parse: positiveNumber },
  "--momentum": {
    key: "momentum",
    parse: (text, flag) => {
      const n = Number(text);
      if (!(n >= 0 && n < 1)) {
        throw new UsageError(
          `Invalid value for ${flag}: expected a number from 0 up to 1, found "${text}"`,
        );
      }
      return n;
    },
  },
  "--seed": {
    key: "seed",
    parse: (text, flag) => {
      if (!/^-?\d+$/.test(text)) {
        throw new UsageError(`Invalid value for ${flag}: expected an integer, found "${text}"`);
      }
      return Number(text);
    },
  },
  "--limit": { key: "limitTrainingRows", parse: positiveInteger },
  "--kernels": { key: "kernels", parse: oneOf(["fast", "reference"]) },
  "--threads": { key: "threads", parse: positiveInteger },
  "--weight-decay": {
    key: "weightDecay",
    parse: (text, flag) => {
      const n = Number(text);
      if (!(n >= 0) || !Number.isFinite(n) || text.trim() === "") {
        throw new UsageError(
          `Invalid value for ${flag}: expected a number of 0 or more, found "${text}"`,
        );
      }
      return n;
    },
  },
  "--out": { key: "out", parse: (text) => text },
};

/** Parses the command line into a preset name, overrides and an output folder. */
export function parseArguments(
  args: string[],
): { help: boolean; preset: string; overrides: RunOverrides; out?: string } {
  const result = {
    help: false,
    preset: "assignment",
    overrides: {} as Record<string, unknown>,
    out: undefined as string | undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=")
      ? [args[i].slice(0, args[i].indexOf("=")), args[i].slice(args[i].indexOf("=") + 1)]
      : [args[i], undefined];
    if (flag === "--help" || flag === "-h") {
      result.help = true;
      continue;
    }
    const spec = FLAGS[flag];
    if (!spec) throw new UsageError(`Unknown option "${flag}"`);
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      throw new UsageError(`Missing value for ${flag}`);
    }
    const parsed = spec.parse(value, flag);
    if (spec.key === "preset") result.preset = parsed as string;
    else if (spec.key === "out") result.out = parsed as string;
    else result.overrides[spec.key] = parsed;
  }
  return result as { help: boolean; preset: string; overrides: RunOverrides; out?: string };
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/**
 * Runs the command line; returns the exit code (0 done, 1 failed, 2 usage error).
 *
 * @param args the command-line arguments
 * @param io where to write messages (default: the terminal)
 */
export async function main(
  args: string[],
  io: { log: (line: string) => void; progress?: (line: string) => void } = {
    log: (line) => console.log(line),
    progress: Deno.stderr.isTerminal()
      ? (line) => Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}`))
      : undefined,
  },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.log(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.log(USAGE);
    return 0;
  }
  const settings = resolveSettings(parsed.preset, parsed.overrides);
  const out = parsed.out ??
    `${ROOT}/data/runs/${timestamp()}-${settings.preset}-${settings.dataset}`;
  io.log(
    `Training preset "${settings.preset}" on ${settings.dataset}: ${
      settings.sizes.join("-")
    } ${settings.hidden}, ` +
      `${settings.epochs} epochs, batch ${settings.batchSize}, learning rate ${settings.learningRate} (${
        typeof settings.schedule === "string" ? settings.schedule : "step"
      }), ` +
      `momentum ${settings.momentum}, weight decay ${settings.weightDecay}; ${
        describeKernels(settings)
      }`,
  );

  const data = await loadRunData(settings);
  const network = createNetwork({
    sizes: settings.sizes,
    hidden: settings.hidden,
    init: settings.init,
    seed: settings.seed,
  });
  const started = performance.now();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  let result;
  try {
    result = await train(network, data.train, {
      ...settings,
      threads: settings.threads ?? undefined,
      validation: data.test,
      signal: controller.signal,
      onProgress: (p) =>
        io.progress?.(progressBar(p, (performance.now() - started) / 1000)["text/plain"]),
      onEpoch: (r) => {
        io.progress?.("");
        io.log(
          `epoch ${String(r.epoch).padStart(3)}  loss ${r.loss.toFixed(4)}  train ${
            (100 * r.trainAccuracy).toFixed(2)
          }%  ` +
            `test ${(100 * r.validationAccuracy!).toFixed(2)}%  ${r.seconds.toFixed(1)} s`,
        );
      },
    });
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  const seconds = (performance.now() - started) / 1000;
  if (result.stopped) io.log(`Stopped after epoch ${result.history.length}; saving that model.`);

  const title = `Training ${settings.sizes.join("-")} (${settings.preset}) on ${settings.dataset}`;
  const { report, figures } = await evaluateRun(network, data, result.history, {
    title,
    kernels: settings.kernels,
    threads: settings.threads ?? undefined,
  });
  await saveModel(`${out}/model.json`, {
    network,
    dataset: settings.dataset,
    training: { ...settings },
    history: result.history,
  });
  const metrics = {
    settings,
    epochsCompleted: result.history.length,
    seconds,
    secondsPerEpoch: result.history.length
      ? result.history.reduce((s, r) => s + r.seconds, 0) / result.history.length
      : 0,
    trainAccuracy: report.train.accuracy,
    testAccuracy: report.test.accuracy,
    testLoss: report.test.loss,
    auc: report.auc,
    perClass: report.test.perClass,
    confusionTest: report.test.confusion,
    confusionTrain: report.train.confusion,
    history: result.history,
  };
  await writeFileAtomic(`${out}/metrics.json`, JSON.stringify(metrics, null, 2) + "\n");
  const keep = figureSaver(`${out}/figures`);
  for (const [name, figure] of Object.entries(figures)) await keep(name, figure);
  io.log(
    `training accuracy ${(100 * report.train.accuracy).toFixed(2)}%, test accuracy ${
      (100 * report.test.accuracy).toFixed(2)
    }% ` +
      `after ${result.history.length} epochs in ${formatDuration(seconds)}`,
  );
  io.log(`wrote ${out}/ (model.json, metrics.json, figures/)`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
