/**
 * `deno task train`: trains a preset from the command line, with a progress bar, and writes the
 * model, a metrics JSON and the figures to a new folder under data/runs/.
 *
 * @module
 */

import { writeFileAtomic } from "../lib/data/files.ts";
import { claimFolder, type FolderClaim } from "../lib/data/folder_claim.ts";
import { evaluateNetwork, type Evaluation } from "../lib/eval/evaluate.ts";
import { classifyWithShifts } from "../lib/eval/test_time_augmentation.ts";
import { accuracy } from "../lib/eval/metrics.ts";
import { saveModel } from "../lib/eval/model_file.ts";
import type { Network } from "../lib/nn/network.ts";
import { describeNetwork } from "../lib/nn/sequential.ts";
import {
  describeEngine,
  describeRun,
  loadRunData,
  networkFor,
  type RunData,
} from "../lib/run/experiment.ts";
import { PRESETS, resolveSettings } from "../lib/run/presets.ts";
import { flagOf, type RunOverrides, type RunSettings, SETTINGS } from "../lib/run/settings.ts";
import { evaluationFigures } from "../lib/show/figures/evaluate.ts";
import { figureSaver } from "../lib/show/figure.ts";
import { formatDuration, progressBar } from "../lib/show/jupyter/live.ts";
import { TrainingDiverged } from "../lib/train/divergence.ts";
import { train } from "../lib/train/loop.ts";
import type { EpochRecord } from "../lib/train/records.ts";

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
  --out DIR               the folder to write (default: a new data/runs/<time>-<preset>-<dataset>-<id>)
  --overwrite             replace the run already in --out
  --shifted-test          also classify the test set with test-time augmentation (the mean over the
                          image and its copies shifted a pixel each way, and their mirror images
                          when the network was trained with --mirror): testAccuracyShifted in
                          metrics.json
  --debug                 show the stack trace of an unexpected error (or set MNIST_DEBUG=1)
  --help                  show this help

Exit status: 0 done, 1 failed, 2 a usage error, 130 interrupted (the model of the last completed
epoch is saved).
${settingsHelp()}

Example:
  deno task train --preset assignment --epochs 10
  deno task train --dataset fashion-mnist --hidden-sizes 256,128`;

/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/** What the command line asks for. */
export interface ParsedArguments {
  help: boolean;
  overwrite: boolean;
  debug: boolean;
  /** Also score the test set with test-time augmentation (`--shifted-test`). */
  shiftedTest: boolean;
  preset: string;
  overrides: RunOverrides;
  out?: string;
}

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
): ParsedArguments {
  const result = {
    help: false,
    overwrite: false,
    debug: false,
    shiftedTest: false,
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
    const switches = {
      "--overwrite": "overwrite",
      "--debug": "debug",
      "--shifted-test": "shiftedTest",
    } as const;
    if (Object.hasOwn(switches, flag)) {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      result[switches[flag as keyof typeof switches]] = true;
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
  return result as ParsedArguments;
}

/** A failure after the command line was understood: reported in one line, exit code 1. */
export class RunError extends Error {}

/**
 * A new run folder's name: the time to the millisecond, the preset, the data set, and a random
 * suffix, so that runs started at the same moment, even by two processes, never share one.
 */
export function defaultFolder(settings: RunSettings): string {
  const time = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").replace(".", "")
    .slice(0, 18);
  const suffix = crypto.randomUUID().slice(0, 8);
  return `${ROOT}/data/runs/${time}-${settings.preset}-${settings.dataset}-${suffix}`;
}

/**
 * Makes sure the run can be saved before any training starts: `out` is a folder (made if
 * missing), writable, holds no earlier run unless `overwrite`, and is claimed by this run alone
 * (a lock file), so that two runs into one folder cannot mix their files.
 *
 * @returns whether the folder was made now, and the claim to release when the run ends
 * @throws UsageError for a folder the user named wrongly, RunError when it cannot be written or
 *   another run holds it
 */
export async function prepareOutputFolder(
  out: string,
  overwrite: boolean,
): Promise<{ created: boolean; claim: FolderClaim }> {
  if (out.trim() === "") {
    throw new UsageError('Invalid value for --out: expected a folder, found ""');
  }
  const found = await Deno.stat(out).catch(() => undefined);
  if (found && !found.isDirectory) {
    throw new UsageError(`Invalid value for --out: expected a folder, found a file '${out}'`);
  }
  const holdsRun = () => Deno.stat(`${out}/model.json`).then(() => true, () => false);
  const heldRun = () =>
    new UsageError(
      `Invalid value for --out: '${out}' already holds a run (model.json); pass --overwrite to replace it, or choose another folder`,
    );
  if (found && !overwrite && await holdsRun()) throw heldRun();
  let claim: FolderClaim;
  const probe = `${out}/.write-test-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.mkdir(out, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    throw new RunError(
      `Cannot write the run to '${out}': ${
        (error as Error).message
      }. Choose another folder with --out`,
    );
  }
  try {
    claim = await claimFolder(out);
  } catch (error) {
    throw new RunError((error as Error).message);
  }
  // Checked again under the claim: a run that finished meanwhile is not overwritten either.
  if (!overwrite && await holdsRun()) {
    await claim.release();
    throw heldRun();
  }
  return { created: found === undefined, claim };
}

/**
 * Saves the trained model into the run's folder; when that fails (a full disk, say), into a
 * temporary folder instead, and says where; when both fail, says the network is lost.
 *
 * @returns where the model is, or undefined when it could not be written
 */
async function saveRunModel(
  out: string,
  model: Parameters<typeof saveModel>[1],
  log: (line: string) => void,
): Promise<string | undefined> {
  try {
    return await saveModel(`${out}/model.json`, model);
  } catch (error) {
    const why = (error as Error).message;
    try {
      const elsewhere = await saveModel(
        `${await Deno.makeTempDir({ prefix: "mnist-run-" })}/model.json`,
        model,
      );
      log(
        `error: could not write the model to ${out}/model.json (${why}); it is saved instead in ${elsewhere}`,
      );
      return elsewhere;
    } catch (again) {
      log(
        `error: could not write the model to ${out}/model.json (${why}), nor to a temporary folder (${
          (again as Error).message
        }): the trained network is lost`,
      );
      return undefined;
    }
  }
}

/** Where the command writes: whole lines to the log, and a progress line redrawn in place. */
export interface CommandIo {
  log: (line: string) => void;
  progress?: (line: string) => void;
}

/** The terminal: lines to stdout, and the progress bar on stderr when stderr is a terminal. */
function terminal(): CommandIo {
  return {
    log: (line) => console.log(line),
    progress: Deno.stderr.isTerminal()
      ? (line) => Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}`))
      : undefined,
  };
}

/** A step that has said why the run ends here, and the exit code it ends with. */
class Exit {
  constructor(readonly code: number) {}
}

/**
 * Runs the command line; returns the exit code (0 done, 1 failed, 2 usage error, 130
 * interrupted). It reads like the run: parse the flags, resolve the settings, prepare the output
 * folder, then train, save, evaluate and report into it.
 *
 * @param args the command-line arguments
 * @param io where to write messages (default: the terminal)
 */
export async function main(args: string[], io: CommandIo = terminal()): Promise<number> {
  try {
    const parsed = parseFlags(args, io);
    const settings = settingsOf(parsed, io);
    const out = parsed.out ?? defaultFolder(settings);
    const prepared = await prepareFolder(out, parsed.overwrite, io);
    try {
      return await trainInto(out, settings, io, { shiftedTest: parsed.shiftedTest });
    } finally {
      await releaseFolder(out, prepared);
    }
  } catch (error) {
    if (error instanceof Exit) return error.code;
    throw error;
  }
}

/** Parse the flags: a usage error is reported with the usage (exit 2), --help shows it (exit 0). */
function parseFlags(args: string[], io: CommandIo): ParsedArguments {
  let parsed: ParsedArguments;
  try {
    parsed = parseArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.log(`error: ${error.message}\n\n${USAGE}`);
    throw new Exit(2);
  }
  if (parsed.help) {
    io.log(USAGE);
    throw new Exit(0);
  }
  return parsed;
}

/** Resolve the settings: the preset's, with the flags' overrides, validated (exit 2 if not). */
function settingsOf(parsed: ParsedArguments, io: CommandIo): RunSettings {
  try {
    return resolveSettings(parsed.preset, parsed.overrides);
  } catch (error) {
    io.log(`error: ${(error as Error).message}`);
    throw new Exit(2);
  }
}

/** Prepare the output folder, claimed for this run (exit 2 for a wrong --out, 1 if unwritable). */
async function prepareFolder(
  out: string,
  overwrite: boolean,
  io: CommandIo,
): Promise<{ created: boolean; claim: FolderClaim }> {
  try {
    return await prepareOutputFolder(out, overwrite);
  } catch (error) {
    io.log(`error: ${(error as Error).message}`);
    if (error instanceof UsageError) throw new Exit(2);
    if (error instanceof RunError) throw new Exit(1);
    throw error;
  }
}

/**
 * Releases the folder's claim. A folder made for a run that wrote nothing (it failed, or stopped
 * before an epoch ended) is not left behind: removing it fails, as it should, once it holds
 * anything.
 */
async function releaseFolder(out: string, prepared: { created: boolean; claim: FolderClaim }) {
  await prepared.claim.release();
  if (prepared.created) await Deno.remove(out).catch(() => {});
}

/** The run itself, into the folder `out` this run has claimed: train, save, evaluate, report. */
async function trainInto(
  out: string,
  settings: RunSettings,
  io: CommandIo,
  report: { shiftedTest: boolean },
): Promise<number> {
  io.log(`Training preset "${settings.preset}" on ${settings.dataset}: ${describeRun(settings)}`);
  io.log(`engine: ${await describeEngine(settings)}`);
  const data = await loadRunData(settings);
  const network = networkFor(settings);
  const run = await trainWithProgress(network, data, settings, io);
  // The model first: whatever fails after this, the trained network is on disk.
  await saveTrained(out, { network, settings, history: run.history }, run, io);
  await evaluateAndReport(out, network, data, settings, run, io, report);
  io.log(`wrote ${out}/ (model.json, metrics.json, figures/)`);
  return run.diverged ? 1 : run.stopped ? 130 : 0;
}

/** What training left: its history, whether it stopped or diverged, and the time it took. */
interface TrainedRun {
  history: EpochRecord[];
  stopped: boolean;
  diverged?: TrainingDiverged;
  bestEpoch?: number;
  seconds: number;
}

/**
 * Train, with a progress bar and a line per epoch; Ctrl-C stops after the current batch, and a
 * run that diverges keeps the history it had.
 */
async function trainWithProgress(
  network: Network,
  data: RunData,
  settings: RunSettings,
  io: CommandIo,
): Promise<TrainedRun> {
  const started = performance.now();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  let history: EpochRecord[] = [], stopped = false, diverged: TrainingDiverged | undefined;
  let bestEpoch: number | undefined;
  try {
    ({ history, stopped, bestEpoch } = await train(network, data.train, {
      ...settings,
      // Watched every epoch: the split held out of the training images, or else the test set.
      validation: data.validation ?? data.test,
      signal: controller.signal,
      onNotice: (line) => io.log(`note: ${line}`),
      onProgress: (p) =>
        io.progress?.(progressBar(p, (performance.now() - started) / 1000)["text/plain"]),
      onEpoch: (r) => {
        io.progress?.("");
        io.log(epochLine(r, data.validation ? "validation" : "test"));
      },
    }));
  } catch (error) {
    if (!(error instanceof TrainingDiverged)) throw error;
    diverged = error;
    history = error.history;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  io.progress?.("");
  if (diverged) io.log(`error: ${diverged.message}`);
  return { history, stopped, diverged, bestEpoch, seconds: (performance.now() - started) / 1000 };
}

/** One epoch's line: the loss, the accuracies and the time. */
function epochLine(r: EpochRecord, heldOut: string): string {
  const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
  return `epoch ${String(r.epoch).padStart(3)}  loss ${r.loss.toFixed(4)}  ` +
    `train ${percent(r.trainAccuracy)}  ${heldOut} ${percent(r.validationAccuracy!)}  ` +
    `${r.seconds.toFixed(1)} s`;
}

/**
 * Save the model of the best (or last) epoch into the run's folder, and say which epoch it is;
 * ends the run when there is nothing to save (exit 1, or 130 if stopped) or it went elsewhere
 * (exit 1).
 */
async function saveTrained(
  out: string,
  model: Parameters<typeof saveModel>[1],
  run: TrainedRun,
  io: CommandIo,
): Promise<void> {
  const { history, stopped, bestEpoch } = run;
  if (history.length === 0) {
    io.log(
      stopped ? "Stopped before the first epoch ended: nothing to save." : "Nothing was saved.",
    );
    throw new Exit(stopped ? 130 : 1);
  }
  const savedTo = await saveRunModel(out, model, io.log);
  if (!savedTo) throw new Exit(1);
  io.log(`saved the model of epoch ${bestEpoch ?? history.length} to ${savedTo}`);
  if (savedTo !== `${out}/model.json`) throw new Exit(1);
  if (stopped) io.log(`Stopped after ${epochsOf(history)}.`);
  if (bestEpoch && bestEpoch !== history.length) {
    io.log(`early stopping: kept epoch ${bestEpoch}, the best on the validation split`);
  }
}

/** "1 epoch", "12 epochs". */
const epochsOf = (history: EpochRecord[]) =>
  `${history.length} epoch${history.length === 1 ? "" : "s"}`;

/**
 * Evaluate the saved network on the training and test sets, write metrics.json and the figures,
 * and report the accuracies; a failure here says where the model is (exit 1).
 */
async function evaluateAndReport(
  out: string,
  network: Network,
  data: RunData,
  settings: RunSettings,
  run: TrainedRun,
  io: CommandIo,
  report: { shiftedTest: boolean },
): Promise<void> {
  try {
    const evaluation = await evaluateNetwork(network, data, settings);
    const shifted = report.shiftedTest
      ? accuracy(
        await classifyWithShifts([network], data.test.images, {
          ...settings,
          mirrored: settings.mirror > 0,
        }),
        data.test.labels,
      )
      : undefined;
    const metrics = metricsOf(settings, run.history, evaluation, run.seconds);
    await writeFileAtomic(
      `${out}/metrics.json`,
      JSON.stringify({ ...metrics, testAccuracyShifted: shifted }, null, 2) + "\n",
    );
    // A sequential network by its layers ("conv(32,5) relu … dense(10)"), an MLP by its sizes.
    const what = `${describeNetwork(network)} (${settings.preset})`;
    const title = `Training ${what} on ${settings.dataset}`;
    const keep = figureSaver(`${out}/figures`);
    const figures = evaluationFigures(network, evaluation, run.history, {
      title,
      classNames: data.classNames,
    });
    for (const [name, figure] of Object.entries(figures)) await keep(name, figure);
    io.log(
      `training accuracy ${(100 * evaluation.train.accuracy).toFixed(2)}%, test accuracy ${
        (100 * evaluation.test.accuracy).toFixed(2)
      }%${
        shifted === undefined ? "" : ` (${(100 * shifted).toFixed(2)}% with shifted copies)`
      } after ${epochsOf(run.history)} in ${formatDuration(run.seconds)}`,
    );
  } catch (error) {
    io.log(
      `error: could not finish the report (${
        (error as Error).message
      }); the model is saved in ${out}/model.json`,
    );
    throw new Exit(1);
  }
}

/** What metrics.json holds. */
function metricsOf(
  settings: RunSettings,
  history: EpochRecord[],
  evaluation: Evaluation,
  seconds: number,
) {
  return {
    settings,
    epochsCompleted: history.length,
    seconds,
    secondsPerEpoch: history.reduce((s, r) => s + r.seconds, 0) / history.length,
    trainAccuracy: evaluation.train.accuracy,
    testAccuracy: evaluation.test.accuracy,
    testLoss: evaluation.test.loss,
    auc: evaluation.roc.map((r) => r.auc),
    perClass: evaluation.test.perClass,
    confusionTest: evaluation.test.confusion,
    confusionTrain: evaluation.train.confusion,
    history,
  };
}

if (import.meta.main) {
  const debug = Deno.args.includes("--debug") || Deno.env.get("MNIST_DEBUG") === "1";
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    // One line, not a stack trace: the message says what went wrong and what to do.
    console.error(`error: ${debug ? (error as Error).stack : (error as Error).message}`);
    Deno.exit(1);
  }
}
