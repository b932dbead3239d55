/**
 * `deno task bench`: seconds per training epoch of the assignment network (784-128-64-10,
 * sigmoid, batches of 128, momentum) on all 60,000 training images, and the time to classify the
 * 10,000 test images — for this project's native and WebAssembly engines, for the NumPy
 * reference in bench/numpy_mlp.py (float32 and float64), for PyTorch 2.x on the CPU in its
 * fastest configuration here (bench/torch_best.py tries eager, channels-last and torch.compile,
 * 1 thread and one per core, and the CPU instruction sets) and for JAX with its training step
 * jit-compiled (bench/jax_peer.py), where a Python has them, alternating, several times each, in
 * one run, with the machine's matrix-product ceiling. Prints the medians, the effective GFLOP/s,
 * each one's share of the ceiling, and the ratios project ÷ each peer and ÷ the fastest peer.
 * Also the start-up time: importing the library and loading MNIST from the cache in a fresh
 * process.
 *
 * Then one epoch of the best-mlp preset's network, plain and augmented, side by side; the speed run
 * (the whole `speedrun` preset, one epoch) beside the same recipe in PyTorch at its best; and one epoch
 * of the cnn preset's convolutional network on the native engine beside PyTorch (at its best) and
 * JAX running the same layers, batch and optimizer (bench/torch_cnn.py, bench/jax_peer.py), with
 * the WebAssembly engine's epoch measured on 10,000 images.
 *
 * Flags: --reps N (default 5), --reference (also time the reference TypeScript kernels, once),
 * --no-cnn (skip the convolutional network), --only speedrun (or assignment, presets, cnn: that
 * part alone).
 */

import * as lib from "../lib/mod.ts";
import { pythonWith } from "../tools/commands.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const CORES = navigator.hardwareConcurrency;
/** The assignment network's optimizer, on every side. */
const SETTINGS = { learningRate: 0.1, momentum: 0.9 };

// Dense-equivalent work, the same for both sides: forward products, weight gradients, and the
// back-propagated deltas of layers 2 and 3 (no gradient for the input).
const SIZES = [784, 128, 64, 10];
const MACS = SIZES.slice(1).reduce((sum, n, l) => sum + SIZES[l] * n, 0);
const EPOCH_FLOP = 2 * 60000 * (2 * MACS + 128 * 64 + 64 * 10);
const CLASSIFY_FLOP = 2 * 10000 * MACS;

/** What the command line asks for: --reps N, --reference, --no-cnn, --only PART. */
interface Flags {
  reps: number;
  reference: boolean;
  cnn: boolean;
  /** Run this part alone. */
  only?: "assignment" | "presets" | "speedrun" | "cnn";
}

/** The images every case trains and classifies, normalised once. */
interface Data {
  train: lib.Examples;
  test: lib.Examples;
}

/** The Python peers found on this machine: one with NumPy, one with torch, one with JAX. */
interface Peers {
  numpy?: string;
  torch?: string;
  jax?: string;
}

/** PyTorch's fastest configuration here for one network, as bench/torch_best.py found it. */
interface TorchBest {
  configuration: string;
  flags: string[];
  atenCpuCapability: string | null;
  trials: Record<string, number>;
}

/** Seconds of each repetition: one training epoch, and classifying the 10,000 test images. */
interface Timings {
  epoch: number[];
  classify: number[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Of the peers' timings, the fastest at training and the fastest at classifying. */
function fastestPeer(peers: (readonly [string, Timings])[]) {
  if (!peers.length) return undefined;
  const by = (pick: (t: Timings) => number[]) =>
    peers.map(([who, timings]) => ({ who, timings }))
      .sort((a, b) => median(pick(a.timings)) - median(pick(b.timings)))[0];
  return { epoch: by((t) => t.epoch), classify: by((t) => t.classify) };
}

/** The bench, in the order it prints: the machine, start-up, the peers, then each case. */
async function main(args: string[]) {
  const flags = readFlags(args);
  console.log(
    `machine: ${CORES} logical CPUs, ${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}`,
  );
  const data = await loadData();
  const part = (name: Flags["only"]) => !flags.only || flags.only === name;
  if (!flags.only) await benchStartup();
  const peers = await findPeers();
  if (part("assignment")) await benchAssignment(data, peers, flags);
  if (part("presets")) await benchPresets(data, flags);
  if (part("speedrun")) await benchSpeedrun(data, peers, flags);
  if (flags.cnn && part("cnn")) await benchCnn(data, peers, flags);
}

function readFlags(args: string[]): Flags {
  return {
    reps: Number(args[args.indexOf("--reps") + 1]) || 5,
    reference: args.includes("--reference"),
    cnn: !args.includes("--no-cnn"),
    only: onlyPart(args),
  };
}

function onlyPart(args: string[]): Flags["only"] {
  if (!args.includes("--only")) return undefined;
  const part = args[args.indexOf("--only") + 1];
  const parts = ["assignment", "presets", "speedrun", "cnn"] as const;
  const found = parts.find((p) => p === part);
  if (!found) {
    console.error(`--only takes one of ${parts.join(", ")}; found ${JSON.stringify(part ?? "")}`);
    Deno.exit(2);
  }
  return found;
}

/** MNIST, normalised; loading it also fills the cache that NumPy and start-up read. */
async function loadData(): Promise<Data> {
  const data = await lib.loadDataset("mnist");
  return { train: lib.normalizeImages(data.train), test: lib.normalizeImages(data.test) };
}

// ---- Start-up ------------------------------------------------------------------------------

/** One fresh process: the milliseconds to import lib/mod.ts and to load MNIST from the cache. */
async function startup() {
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/bench/startup.ts`],
    stdout: "piped",
  })
    .output();
  return JSON.parse(new TextDecoder().decode(stdout)) as { importMs: number; loadMs: number };
}

/** Start-up, three fresh processes: prints the medians. */
async function benchStartup() {
  const starts = [];
  for (let i = 0; i < 3; i++) starts.push(await startup());
  const startMs = median(starts.map((s) => s.importMs + s.loadMs));
  console.log(
    `start-up (fresh process, import lib/mod.ts + load MNIST from the cache): median ${
      startMs.toFixed(0)
    } ms ` +
      `(import ${median(starts.map((s) => s.importMs)).toFixed(0)} ms, load ${
        median(starts.map((s) => s.loadMs)).toFixed(0)
      } ms)`,
  );
}

// ---- The peers -----------------------------------------------------------------------------

/** Finds the Python peers, and says which were found. */
async function findPeers(): Promise<Peers> {
  const numpy = await pythonWith(["numpy"]);
  if (!numpy) {
    console.log(
      "NumPy not found (python3 -c 'import numpy' failed): printing the project's figures only.",
    );
  }
  const torch = await pythonWith(["torch"]);
  console.log(
    torch
      ? `PyTorch: ${torch} (float32 on the CPU, in the fastest configuration bench/torch_best.py finds)`
      : "PyTorch not found (no python3 can import torch; see the README's Benchmark section): skipped.",
  );
  const jax = await pythonWith(["jax"]);
  console.log(
    jax
      ? `JAX: ${jax} (float32 on the CPU, the training step jit-compiled)`
      : "JAX not found (no python3 can import jax; see the README's Benchmark section): skipped.",
  );
  return { numpy, torch, jax };
}

/** Runs one of the bench's Python peers and reads the JSON line it prints. */
async function pythonPeer<T>(
  python: string,
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<T> {
  const { success, stdout, stderr } = await new Deno.Command(python, {
    args: [`${ROOT}/bench/${script}`, ...args, "--data", `${ROOT}/data/mnist`],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`${script} failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout)) as T;
}

/** The NumPy reference (bench/numpy_mlp.py): one epoch of the assignment network, in `dtype`. */
function numpyRun(python: string, dtype: string) {
  return pythonPeer<{
    epochSeconds: number[];
    classifySeconds: number;
    matmulGflops?: number;
    numpy: string;
  }>(python, "numpy_mlp.py", ["--dtype", dtype, "--epochs", "1"]);
}

/** The environment that asks torch for `best`'s CPU instruction set. */
const capabilityEnv = (best: TorchBest): Record<string, string> =>
  best.atenCpuCapability ? { ATEN_CPU_CAPABILITY: best.atenCpuCapability } : {};

/** PyTorch on the CPU (bench/torch_mlp.py): one epoch of the assignment network, as `best` says. */
function torchRun(python: string, best: TorchBest) {
  return pythonPeer<
    { epochSeconds: number[]; classifySeconds: number; torch: string; threads: number }
  >(python, "torch_mlp.py", ["--epochs", "1", ...best.flags], capabilityEnv(best));
}

/** The cnn preset's layers, batch and optimizer, as the Python peers' flags. */
const cnnFlags = (cnn: lib.RunSettings) => [
  "--layers",
  cnn.layers,
  "--learning-rate",
  String(cnn.learningRate),
  "--momentum",
  String(cnn.momentum),
  "--weight-decay",
  String(cnn.weightDecay),
  "--batch",
  String(cnn.batchSize),
];

/** The speed run's network, batch, Adam, one-cycle schedule and label smoothing, as bench/torch_cnn.py's flags. */
const speedrunFlags = (run: lib.RunSettings) => [
  ...cnnFlags(run),
  "--optimizer",
  "adam",
  "--beta1",
  String(run.beta1),
  "--beta2",
  String(run.beta2),
  "--schedule",
  "onecycle",
  "--label-smoothing",
  String(run.labelSmoothing),
];

/** PyTorch (bench/torch_cnn.py): one epoch of a network given by `flags`, as `best` says. */
function torchCnnRun(python: string, flags: string[], best: TorchBest) {
  return pythonPeer<
    { epochSeconds: number; classifySeconds: number; threads: number; testAccuracy: number }
  >(python, "torch_cnn.py", [...flags, ...best.flags], capabilityEnv(best));
}

/**
 * PyTorch's fastest configuration for one network (bench/torch_best.py: every configuration on a
 * short run); prints what was tried.
 */
async function torchBest(python: string, args: string[]): Promise<TorchBest> {
  const best = await pythonPeer<TorchBest>(python, "torch_best.py", args);
  const tried = Object.entries(best.trials).map(([name, s]) => `${name} ${s.toFixed(2)} s`);
  console.log(`PyTorch configurations tried (epoch of the trial): ${tried.join("; ")}`);
  console.log(`PyTorch: ${best.configuration} kept`);
  return best;
}

/** JAX (bench/jax_peer.py): one epoch, its training step jit-compiled, on every core. */
function jaxRun(python: string, args: string[]) {
  return pythonPeer<
    { epochSeconds: number; classifySeconds: number; compileSeconds: number; jax: string }
  >(python, "jax_peer.py", [...args, "--threads", String(CORES)]);
}

// ---- The assignment network ----------------------------------------------------------------

/** One epoch of the assignment network on `engine`, then classifying the test images. */
async function timeEngine(engine: lib.EngineName, data: Data, seed: number) {
  const network = lib.createNetwork();
  const { history } = await lib.train(network, data.train, {
    ...SETTINGS,
    epochs: 1,
    seed,
    engine,
  });
  const t = performance.now();
  await lib.classify(network, data.test.images, { engine });
  return { epoch: history[0].seconds, classify: (performance.now() - t) / 1000 };
}

/** One epoch of the assignment network on the reference TypeScript kernels, once. */
async function timeReference(data: Data) {
  const network = lib.createNetwork();
  const { history } = await lib.train(network, data.train, {
    ...SETTINGS,
    epochs: 1,
    engine: "reference",
  });
  const t = performance.now();
  lib.predictProbabilities(network, data.test.images);
  return { epoch: history[0].seconds, classify: (performance.now() - t) / 1000 };
}

/**
 * The engines side by side: the best one here (native when a C compiler is found) and
 * WebAssembly, which runs everywhere.
 */
const ENGINES: lib.EngineName[] = ["native", "wasm"];
const DTYPES = ["float32", "float64"];

/** The assignment network's timings on every side, with the peers' versions. */
interface AssignmentRace {
  engines: Record<string, Timings>;
  numpy: Record<string, Timings>;
  torch: Timings;
  jax: Timings;
  numpyVersion: string;
  torchVersion: string;
  jaxVersion: string;
  /** NumPy's float32 2048×2048 matrix product, in GFLOP/s (0 when not measured). */
  ceiling: number;
}

/**
 * The assignment network (784-128-64-10, sigmoid, batches of 128, momentum): the engines, NumPy
 * (float32 and float64) and PyTorch, alternating, `flags.reps` times each; then the table of
 * medians and GFLOP/s, and the ratios.
 */
async function benchAssignment(data: Data, peers: Peers, flags: Flags) {
  for (const engine of ENGINES) {
    console.log(`${engine}: ${await lib.describeEngine({ engine, threads: "auto" })}`);
  }
  const race = await raceAssignment(data, peers, flags.reps);
  const reference = flags.reference ? await timeReference(data) : undefined;
  assignmentTable(race, peers, reference);
  assignmentRatios(race, peers);
}

/** The repetitions, one line each: every engine, then NumPy in both precisions, then PyTorch. */
async function raceAssignment(data: Data, peers: Peers, reps: number): Promise<AssignmentRace> {
  const none = (): Timings => ({ epoch: [], classify: [] });
  const race: AssignmentRace = {
    engines: Object.fromEntries(ENGINES.map((engine) => [engine, none()])),
    numpy: Object.fromEntries(DTYPES.map((dtype) => [dtype, none()])),
    torch: none(),
    jax: none(),
    numpyVersion: "",
    torchVersion: "",
    jaxVersion: "",
    ceiling: 0,
  };
  const best = peers.torch ? await torchBest(peers.torch, ["--network", "mlp"]) : undefined;
  for (let rep = 1; rep <= reps; rep++) {
    let line = `rep ${rep}:`;
    for (const engine of ENGINES) {
      const { epoch, classify } = await timeEngine(engine, data, rep);
      race.engines[engine].epoch.push(epoch);
      race.engines[engine].classify.push(classify);
      line += ` ${engine} ${epoch.toFixed(3)} s/epoch,`;
    }
    if (peers.numpy) {
      for (const dtype of DTYPES) {
        const result = await numpyRun(peers.numpy, dtype);
        race.numpyVersion = result.numpy;
        race.ceiling = Math.max(race.ceiling, result.matmulGflops ?? 0);
        race.numpy[dtype].epoch.push(result.epochSeconds[0]);
        race.numpy[dtype].classify.push(result.classifySeconds);
        line += ` NumPy ${dtype} ${result.epochSeconds[0].toFixed(3)} s,`;
      }
    }
    if (peers.torch && best) {
      const result = await torchRun(peers.torch, best);
      race.torchVersion = `${result.torch}, ${best.configuration}`;
      race.torch.epoch.push(result.epochSeconds[0]);
      race.torch.classify.push(result.classifySeconds);
      line += ` PyTorch ${result.epochSeconds[0].toFixed(3)} s,`;
    }
    if (peers.jax) {
      const result = await jaxRun(peers.jax, ["--network", "mlp"]);
      race.jaxVersion = result.jax;
      race.jax.epoch.push(result.epochSeconds);
      race.jax.classify.push(result.classifySeconds);
      line += ` JAX ${result.epochSeconds.toFixed(3)} s,`;
    }
    console.log(line.replace(/,$/, ""));
  }
  return race;
}

/** The table of medians and effective GFLOP/s: the engines, the reference, NumPy, PyTorch. */
function assignmentTable(
  race: AssignmentRace,
  peers: Peers,
  reference: { epoch: number; classify: number } | undefined,
) {
  const rows: Record<string, string | number>[] = [];
  const add = (who: string, { epoch, classify }: Timings) =>
    rows.push({
      who,
      "s/epoch (median)": Number(median(epoch).toFixed(3)),
      "GFLOP/s (training)": Number((EPOCH_FLOP / median(epoch) / 1e9).toFixed(1)),
      "classify 10k s": Number(median(classify).toFixed(4)),
      "GFLOP/s (classify)": Number((CLASSIFY_FLOP / median(classify) / 1e9).toFixed(1)),
    });
  for (const engine of ENGINES) add(`project, ${engine}`, race.engines[engine]);
  if (reference) {
    add("project, reference", { epoch: [reference.epoch], classify: [reference.classify] });
  }
  if (peers.numpy) {
    for (const dtype of DTYPES) add(`NumPy ${race.numpyVersion} ${dtype}`, race.numpy[dtype]);
  }
  if (peers.torch) add(`PyTorch ${race.torchVersion} float32`, race.torch);
  if (peers.jax) add(`JAX ${race.jaxVersion} float32, jit`, race.jax);
  if (race.ceiling) {
    // Each side's training speed as a share of what this machine's matrix product reaches.
    for (const row of rows) {
      row["share of ceiling"] = `${
        (100 * (row["GFLOP/s (training)"] as number) / race.ceiling).toFixed(0)
      }%`;
    }
  }
  console.table(rows);
}

/** Each engine ÷ each peer, training and classifying; NumPy's matrix-product ceiling. */
function assignmentRatios(race: AssignmentRace, peers: Peers) {
  const ratio = (engine: string, who: string, peer: Timings) => {
    const mine = race.engines[engine];
    console.log(
      `ratio ${engine} ÷ ${who}: training ${
        (median(mine.epoch) / median(peer.epoch)).toFixed(2)
      }, classifying ${(median(mine.classify) / median(peer.classify)).toFixed(2)}`,
    );
  };
  if (peers.torch) {
    for (const engine of ENGINES) ratio(engine, "PyTorch", race.torch);
  }
  if (peers.jax) {
    for (const engine of ENGINES) ratio(engine, "JAX", race.jax);
  }
  const fastest = fastestPeer([
    ...(peers.torch ? [["PyTorch", race.torch] as const] : []),
    ...(peers.jax ? [["JAX", race.jax] as const] : []),
    ...(peers.numpy ? [["NumPy float32", race.numpy.float32] as const] : []),
  ]);
  if (fastest) {
    const mine = race.engines.native;
    console.log(
      `ratio native ÷ the fastest peer: training ${
        (median(mine.epoch) / median(fastest.epoch.timings.epoch)).toFixed(2)
      } (÷ ${fastest.epoch.who}; target at most 0.5), classifying ${
        (median(mine.classify) / median(fastest.classify.timings.classify)).toFixed(2)
      } (÷ ${fastest.classify.who}; target at most 0.7)`,
    );
  }
  if (peers.numpy) {
    for (const engine of ENGINES) {
      for (const dtype of DTYPES) ratio(engine, `NumPy ${dtype}`, race.numpy[dtype]);
    }
    if (race.ceiling) {
      console.log(
        `matrix-product ceiling of this machine (NumPy float32, 2048×2048): ${
          race.ceiling.toFixed(0)
        } GFLOP/s`,
      );
    }
  }
  console.log(
    `(effective GFLOP/s count the dense work, ${
      (EPOCH_FLOP / 1e9).toFixed(1)
    } GFLOP per epoch, for both sides)`,
  );
}

// ---- The larger presets --------------------------------------------------------------------

/**
 * One epoch of best-mlp, plain and with its augmentation, on the same network (the augmented
 * epoch distorts every image afresh and indexes its non-zero pixels on the fly).
 */
async function benchPresets(data: Data, flags: Flags) {
  const presetRows: Record<string, string | number>[] = [];
  for (const name of ["best-mlp", "best-mlp-augmented"]) {
    const settings = lib.resolveSettings(name, { epochs: 1 });
    const times: number[] = [];
    for (let rep = 1; rep <= Math.min(flags.reps, 3); rep++) {
      const { history } = await lib.train(lib.networkFor(settings), data.train, {
        ...settings,
        seed: rep,
      });
      times.push(history[0].seconds);
    }
    presetRows.push({ preset: name, "s/epoch (median)": Number(median(times).toFixed(2)) });
  }
  console.table(presetRows);
  console.log(
    `augmented ÷ plain epoch of best-mlp's network: ${
      ((presetRows[1]["s/epoch (median)"] as number) /
        (presetRows[0]["s/epoch (median)"] as number))
        .toFixed(2)
    } (target at most 1.5)`,
  );
}

// ---- The speed run -------------------------------------------------------------------------

/**
 * The speed run: the whole `speedrun` preset (one epoch of its small network) on the native
 * engine, timed from the first step to the last, and its test accuracy; beside it, alternating,
 * the same recipe in PyTorch at its best for that network (same layers, batch, Adam, one-cycle
 * schedule, images).
 */
async function benchSpeedrun(data: Data, peers: Peers, flags: Flags) {
  const speedrun = lib.resolveSettings("speedrun");
  console.log(`speedrun preset: ${speedrun.layers}, Adam, one-cycle, batch ${speedrun.batchSize}`);
  const python = peers.torch;
  const best = python
    ? await torchBest(python, ["--network", "cnn", ...speedrunFlags(speedrun)])
    : undefined;
  // The engine made ready first (on a fresh checkout that compiles the C library), as PyTorch's
  // import is not timed either.
  console.log(`engine: ${await lib.describeEngineChoice(speedrun.engine)}`);
  const native: number[] = [], pytorch: number[] = [];
  for (let rep = 1; rep <= Math.min(flags.reps, 3); rep++) {
    const settings = { ...speedrun, seed: rep };
    const network = lib.networkFor(settings);
    const started = performance.now();
    await lib.train(network, data.train, settings);
    native.push((performance.now() - started) / 1000);
    const { accuracy } = await lib.evaluateSet(network, data.test);
    let line = `speedrun rep ${rep}: native ${native.at(-1)!.toFixed(2)} s to ` +
      `${(100 * accuracy).toFixed(2)}%`;
    if (python && best) {
      const result = await torchCnnRun(python, speedrunFlags(speedrun), best);
      pytorch.push(result.epochSeconds);
      line += `, PyTorch ${result.epochSeconds.toFixed(2)} s to ` +
        `${(100 * result.testAccuracy).toFixed(2)}%`;
    }
    console.log(line);
  }
  if (pytorch.length) {
    console.log(
      `speedrun ratio native ÷ PyTorch (${best!.configuration}): ` +
        `${(median(native) / median(pytorch)).toFixed(2)} (target at most 0.5)`,
    );
  } else console.log("No PyTorch found: the speed run is timed for the project only.");
}

// ---- The convolutional network -------------------------------------------------------------

/**
 * One epoch of the cnn preset's network on `engine`, on the first `rows` training images and
 * scaled to a whole epoch; then classifying the test images.
 */
async function timeCnn(
  cnn: lib.RunSettings,
  data: Data,
  engine: lib.EngineName,
  rows: number,
  seed: number,
) {
  const { train, test } = data;
  const part = rows === train.images.rows
    ? train
    : lib.takeExamples(train, Array.from({ length: rows }, (_, i) => i));
  const network = lib.networkFor(cnn);
  const { history } = await lib.train(network, part, { ...cnn, engine, seed });
  const t = performance.now();
  await lib.classify(network, test.images, { engine });
  return {
    epoch: history[0].seconds * (train.images.rows / rows),
    classify: (performance.now() - t) / 1000,
  };
}

/**
 * The convolutional network: one epoch of the cnn preset's network on the native engine and in
 * PyTorch (the same layers, batch, optimizer and images), alternating; the WebAssembly engine on
 * the first 10,000 images, scaled to a whole epoch.
 */
async function benchCnn(data: Data, peers: Peers, flags: Flags) {
  const cnn = lib.resolveSettings("cnn", { epochs: 1 });
  console.log(`cnn preset: ${cnn.layers}`);
  const cnnReps = Math.min(flags.reps, 2);
  const native: { epoch: number; classify: number }[] = [], pytorch: typeof native = [];
  const jax: typeof native = [];
  const python = peers.torch;
  const best = python ? await torchBest(python, ["--network", "cnn", ...cnnFlags(cnn)]) : undefined;
  for (let rep = 1; rep <= cnnReps; rep++) {
    native.push(await timeCnn(cnn, data, "native", data.train.images.rows, rep));
    let line = `cnn rep ${rep}: native ${native.at(-1)!.epoch.toFixed(1)} s/epoch`;
    if (python && best) {
      const result = await torchCnnRun(python, cnnFlags(cnn), best);
      pytorch.push({ epoch: result.epochSeconds, classify: result.classifySeconds });
      line += `, PyTorch ${result.epochSeconds.toFixed(1)} s`;
    }
    if (peers.jax) {
      // XLA's CPU convolutions are the slowest here by far: JAX's epoch is measured, as
      // WebAssembly's, on the first 10,000 images and scaled to all of them.
      const rows = Math.min(10000, data.train.images.rows);
      const result = await jaxRun(peers.jax, [
        "--network",
        "cnn",
        ...cnnFlags(cnn),
        "--rows",
        String(rows),
      ]);
      const epoch = result.epochSeconds * data.train.images.rows / rows;
      jax.push({ epoch, classify: result.classifySeconds });
      line += `, JAX ${epoch.toFixed(1)} s (from ${rows.toLocaleString("en")} images)`;
    }
    console.log(line);
  }
  const wasm = await timeCnn(cnn, data, "wasm", 10000, 1);
  const cnnRows: Record<string, string | number>[] = [];
  const addCnn = (who: string, runs: { epoch: number; classify: number }[]) =>
    cnnRows.push({
      who,
      "s/epoch (median)": Number(median(runs.map((r) => r.epoch)).toFixed(1)),
      "classify 10k s": Number(median(runs.map((r) => r.classify)).toFixed(2)),
    });
  addCnn("project, native", native);
  addCnn("project, wasm (epoch from 10,000 images)", [wasm]);
  if (python && best) addCnn(`PyTorch, ${best.configuration}`, pytorch);
  if (peers.jax) addCnn("JAX, jit (epoch from 10,000 images)", jax);
  console.table(cnnRows);
  const peerRuns = [
    ...(pytorch.length ? [["PyTorch", pytorch] as const] : []),
    ...(jax.length ? [["JAX", jax] as const] : []),
  ].map(([who, runs]) =>
    [who, { epoch: runs.map((r) => r.epoch), classify: runs.map((r) => r.classify) }] as const
  );
  const fastest = fastestPeer(peerRuns);
  if (fastest) {
    const epochRatio = (runs: { epoch: number }[]) =>
      (median(runs.map((r) => r.epoch)) / median(fastest.epoch.timings.epoch)).toFixed(2);
    console.log(
      `CNN ratio native ÷ the fastest peer: epoch ${epochRatio(native)} (÷ ${fastest.epoch.who}; ` +
        `target at most 0.7), classifying ${
          (median(native.map((r) => r.classify)) / median(fastest.classify.timings.classify))
            .toFixed(2)
        } (÷ ${fastest.classify.who}; target at most 0.7); WebAssembly's epoch ÷ the fastest: ${
          epochRatio([wasm])
        }`,
    );
  } else console.log("No PyTorch or JAX found: the CNN's epoch is measured for the project only.");
}

if (import.meta.main) await main(Deno.args);
