/**
 * `deno task train`: trains a preset from the command line, with a progress bar, and writes the
 * model, a metrics JSON and the figures to a new folder under data/runs/.
 *
 * @module
 */

import { writeFileAtomic } from "../lib/data/files.ts";
import { evaluateNetwork } from "../lib/eval/evaluate.ts";
import { saveModel } from "../lib/eval/model_file.ts";
import { describeEngine, describeRun, loadRunData, networkFor } from "../lib/run/experiment.ts";
import { PRESETS, resolveSettings } from "../lib/run/presets.ts";
import { flagOf, type RunOverrides, type RunSettings, SETTINGS } from "../lib/run/settings.ts";
import { evaluationFigures } from "../lib/show/evaluation_figures.ts";
import { figureSaver } from "../lib/show/figure.ts";
import { formatDuration, progressBar } from "../lib/show/live.ts";
import { train } from "../lib/train/loop.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** The lines of --help that list the settings' flags, grouped as the settings are. */
function settingsHelp(): string {
  const lines: string[] = [];
  let group = "";
  for (const [key, field] of Object.entries(SETTINGS)) {
    if (key === "preset") continue;
    if (field.group !== group) lines.push("", `The ${group = field.group}:`);
    const flag = flagOf(key);
    lines.push(`  ${flag.padEnd(24)}${field.help}: ${field.expected}`);
  }
  return lines.join("\n");
}

export const USAGE = `Usage: deno task train [options]

Trains a network from the command line and writes the model, metrics.json and the figures to a
new folder under data/runs/. Every setting starts from the preset's value.

Options:
  --preset NAME           ${Object.keys(PRESETS).join(" | ")} (default: assignment)
  --out DIR               the folder to write (default: data/runs/<time>-<preset>-<dataset>)
  --help                  show this help
${settingsHelp()}

Example:
  deno task train --preset assignment --epochs 10
  deno task train --dataset fashion-mnist --hidden-sizes 256,128`;

/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/** The setting each flag sets: its name in kebab-case. */
const FLAGS = new Map(Object.keys(SETTINGS).map((key) => [flagOf(key), key as keyof RunSettings]));

/**
 * Parses the command line into a preset name, overrides and an output folder.
 *
 * @returns what the command line asks for
 * @throws UsageError naming the flag, what it expects and what it found
 */
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
    const cut = args[i].indexOf("=");
    const [flag, inline] = cut > 0 ? [args[i].slice(0, cut), args[i].slice(cut + 1)] : [args[i]];
    if (flag === "--help" || flag === "-h") {
      result.help = true;
      continue;
    }
    if (flag !== "--out" && !FLAGS.has(flag)) throw new UsageError(`Unknown option "${flag}"`);
    const text = inline ?? args[++i];
    if (text === undefined || (inline === undefined && text.startsWith("--"))) {
      throw new UsageError(`Missing value for ${flag}`);
    }
    if (flag === "--out") {
      result.out = text;
      continue;
    }
    const key = FLAGS.get(flag)!, field = SETTINGS[key];
    const value = key === "preset" ? text : field.parse(text);
    const known = key === "preset" ? Object.hasOwn(PRESETS, text) : field.accepts(value);
    if (!known) {
      const expected = key === "preset"
        ? `one of ${Object.keys(PRESETS).join(", ")}`
        : field.expected;
      throw new UsageError(`Invalid value for ${flag}: expected ${expected}, found "${text}"`);
    }
    if (key === "preset") result.preset = text;
    else result.overrides[key] = value;
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
  let settings: RunSettings;
  try {
    settings = resolveSettings(parsed.preset, parsed.overrides);
  } catch (error) {
    io.log(`error: ${(error as Error).message}`);
    return 2;
  }
  const out = parsed.out ??
    `${ROOT}/data/runs/${timestamp()}-${settings.preset}-${settings.dataset}`;
  io.log(`Training preset "${settings.preset}" on ${settings.dataset}: ${describeRun(settings)}`);
  io.log(`engine: ${describeEngine(settings)}`);

  const data = await loadRunData(settings);
  const network = networkFor(settings);
  const started = performance.now();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  let result;
  try {
    result = await train(network, data.train, {
      ...settings,
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

  const title = `Training ${network.sizes.join("-")} (${settings.preset}) on ${settings.dataset}`;
  const evaluation = await evaluateNetwork(network, data, settings);
  await saveModel(`${out}/model.json`, { network, settings, history: result.history });
  const report = { ...evaluation, auc: evaluation.roc.map((r) => r.auc) };
  const figures = evaluationFigures(network, evaluation, result.history, {
    title,
    classNames: data.classNames,
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
