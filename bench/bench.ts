/**
 * `deno task bench`: seconds per training epoch of the assignment network (784-128-64-10,
 * sigmoid, batches of 128, momentum) on all 60,000 training images, and the time to classify the
 * 10,000 test images — for this project's native and WebAssembly engines, for the NumPy
 * reference in bench/numpy_mlp.py (float32 and float64) and for PyTorch on the CPU
 * (bench/torch_mlp.py, where a Python with torch is installed), alternating, several times each,
 * in one run, with the machine's matrix-product ceiling. Prints the medians, the
 * effective GFLOP/s and the ratios project ÷ NumPy. Also the start-up time: importing the library
 * and loading MNIST from the cache in a fresh process.
 *
 * Then one epoch of the best-mlp preset's network, plain and augmented, side by side; and one epoch
 * of the cnn preset's convolutional network on the native engine beside PyTorch running the same
 * layers, batch and optimizer (bench/torch_cnn.py), with the WebAssembly engine's epoch measured
 * on 10,000 images.
 *
 * Flags: --reps N (default 5), --reference (also time the reference TypeScript kernels, once),
 * --no-cnn (skip the convolutional network).
 */

import * as lib from "../lib/mod.ts";
import { pythonWith } from "../tools/commands.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
const reps = Number(Deno.args[Deno.args.indexOf("--reps") + 1]) || 5;
const settings = { learningRate: 0.1, momentum: 0.9 };

// Dense-equivalent work, the same for both sides: forward products, weight gradients, and the
// back-propagated deltas of layers 2 and 3 (no gradient for the input).
const sizes = [784, 128, 64, 10];
const macs = sizes.slice(1).reduce((sum, n, l) => sum + sizes[l] * n, 0);
const EPOCH_FLOP = 2 * 60000 * (2 * macs + 128 * 64 + 64 * 10);
const CLASSIFY_FLOP = 2 * 10000 * macs;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs one of the bench's Python peers and reads the JSON line it prints. */
async function pythonPeer<T>(python: string, script: string, args: string[]): Promise<T> {
  const { success, stdout, stderr } = await new Deno.Command(python, {
    args: [`${ROOT}/bench/${script}`, ...args, "--data", `${ROOT}/data/mnist`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`${script} failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout)) as T;
}

function numpyRun(python: string, dtype: string) {
  return pythonPeer<{
    epochSeconds: number[];
    classifySeconds: number;
    matmulGflops?: number;
    numpy: string;
  }>(python, "numpy_mlp.py", ["--dtype", dtype, "--epochs", "1"]);
}

function torchRun(python: string, threads: number) {
  return pythonPeer<
    { epochSeconds: number[]; classifySeconds: number; torch: string; threads: number }
  >(
    python,
    "torch_mlp.py",
    ["--epochs", "1", "--threads", String(threads)],
  );
}

async function startup() {
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/bench/startup.ts`],
    stdout: "piped",
  })
    .output();
  return JSON.parse(new TextDecoder().decode(stdout)) as { importMs: number; loadMs: number };
}

console.log(
  `machine: ${navigator.hardwareConcurrency} logical CPUs, ${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}`,
);
const data = await lib.loadDataset("mnist"); // also fills the cache that NumPy and start-up read
const train = lib.normalizeImages(data.train);
const test = lib.normalizeImages(data.test);

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

const python = await pythonWith(["numpy"]);
if (!python) {
  console.log(
    "NumPy not found (python3 -c 'import numpy' failed): printing the project's figures only.",
  );
}

const torchPython = await pythonWith(["torch"]);
const cores = navigator.hardwareConcurrency;
console.log(
  torchPython
    ? `PyTorch: ${torchPython} (float32 on the CPU; 1 thread and one per core tried first, the faster kept)`
    : "PyTorch not found (no python3 can import torch; Debian: apt-get install python3-torch): skipped.",
);

// The engines side by side: the best one here (native when a C compiler is found) and
// WebAssembly, which runs everywhere.
const engines: lib.EngineName[] = ["native", "wasm"];
const timings: Record<string, { epoch: number[]; classify: number[] }> = Object.fromEntries(
  engines.map((engine) => [engine, { epoch: [], classify: [] }]),
);
for (const engine of engines) {
  console.log(`${engine}: ${await lib.describeEngine({ engine, threads: "auto" })}`);
}
const numpy: Record<string, { epoch: number[]; classify: number[] }> = {
  float32: { epoch: [], classify: [] },
  float64: { epoch: [], classify: [] },
};
const torch = { epoch: [] as number[], classify: [] as number[] };
let numpyVersion = "", torchVersion = "", ceiling = 0, torchThreads = 0;
for (let rep = 1; rep <= reps; rep++) {
  let line = `rep ${rep}:`;
  for (const engine of engines) {
    const network = lib.createNetwork();
    const { history } = await lib.train(network, train, {
      ...settings,
      epochs: 1,
      seed: rep,
      engine,
    });
    timings[engine].epoch.push(history[0].seconds);
    const t = performance.now();
    await lib.classify(network, test.images, { engine });
    timings[engine].classify.push((performance.now() - t) / 1000);
    line += ` ${engine} ${history[0].seconds.toFixed(3)} s/epoch,`;
  }
  if (python) {
    for (const dtype of ["float32", "float64"]) {
      const result = await numpyRun(python, dtype);
      numpyVersion = result.numpy;
      ceiling = Math.max(ceiling, result.matmulGflops ?? 0);
      numpy[dtype].epoch.push(result.epochSeconds[0]);
      numpy[dtype].classify.push(result.classifySeconds);
      line += ` NumPy ${dtype} ${result.epochSeconds[0].toFixed(3)} s,`;
    }
  }
  if (torchPython) {
    if (!torchThreads) {
      // Small products run faster on one thread in some PyTorch builds: give it its best.
      const [one, all] = [await torchRun(torchPython, 1), await torchRun(torchPython, cores)];
      torchThreads = one.epochSeconds[0] <= all.epochSeconds[0] ? 1 : cores;
      console.log(
        `PyTorch on 1 thread ${one.epochSeconds[0].toFixed(3)} s/epoch, on ${cores} ${
          all.epochSeconds[0].toFixed(3)
        } s: ${torchThreads} kept`,
      );
    }
    const result = await torchRun(torchPython, torchThreads);
    torchVersion = `${result.torch}, ${result.threads} thread${result.threads === 1 ? "" : "s"}`;
    torch.epoch.push(result.epochSeconds[0]);
    torch.classify.push(result.classifySeconds);
    line += ` PyTorch ${result.epochSeconds[0].toFixed(3)} s,`;
  }
  console.log(line.replace(/,$/, ""));
}

const rows: Record<string, string | number>[] = [];
const add = (who: string, epoch: number[], classify: number[]) =>
  rows.push({
    who,
    "s/epoch (median)": Number(median(epoch).toFixed(3)),
    "GFLOP/s (training)": Number((EPOCH_FLOP / median(epoch) / 1e9).toFixed(1)),
    "classify 10k s": Number(median(classify).toFixed(4)),
    "GFLOP/s (classify)": Number((CLASSIFY_FLOP / median(classify) / 1e9).toFixed(1)),
  });
for (const engine of engines) {
  add(`project, ${engine}`, timings[engine].epoch, timings[engine].classify);
}
if (Deno.args.includes("--reference")) {
  const network = lib.createNetwork();
  const { history } = await lib.train(network, train, {
    ...settings,
    epochs: 1,
    engine: "reference",
  });
  const t = performance.now();
  lib.predictProbabilities(network, test.images);
  add("project, reference", [history[0].seconds], [(performance.now() - t) / 1000]);
}
if (python) {
  add(`NumPy ${numpyVersion} float32`, numpy.float32.epoch, numpy.float32.classify);
  add(`NumPy ${numpyVersion} float64`, numpy.float64.epoch, numpy.float64.classify);
}
if (torchPython) add(`PyTorch ${torchVersion} float32`, torch.epoch, torch.classify);
console.table(rows);
if (torchPython) {
  for (const engine of engines) {
    console.log(
      `ratio ${engine} ÷ PyTorch: training ${
        (median(timings[engine].epoch) / median(torch.epoch)).toFixed(2)
      }, classifying ${(median(timings[engine].classify) / median(torch.classify)).toFixed(2)}`,
    );
  }
}
if (python) {
  for (const engine of engines) {
    for (const dtype of ["float32", "float64"]) {
      console.log(
        `ratio ${engine} ÷ NumPy ${dtype}: training ${
          (median(timings[engine].epoch) / median(numpy[dtype].epoch)).toFixed(2)
        }, classifying ${
          (median(timings[engine].classify) / median(numpy[dtype].classify)).toFixed(2)
        }`,
      );
    }
  }
  if (ceiling) {
    console.log(
      `matrix-product ceiling of this machine (NumPy float32, 2048×2048): ${
        ceiling.toFixed(0)
      } GFLOP/s`,
    );
  }
}
console.log(
  `(effective GFLOP/s count the dense work, ${
    (EPOCH_FLOP / 1e9).toFixed(1)
  } GFLOP per epoch, for both sides)`,
);

// The larger presets: one epoch of best-mlp, plain and with its augmentation, on the same network
// (the augmented epoch distorts every image afresh and indexes its non-zero pixels on the fly).
const presetRows: Record<string, string | number>[] = [];
for (const name of ["best-mlp", "best-mlp-augmented"]) {
  const settings = lib.resolveSettings(name, { epochs: 1 });
  const times: number[] = [];
  for (let rep = 1; rep <= Math.min(reps, 3); rep++) {
    const { history } = await lib.train(lib.networkFor(settings), train, {
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
    ((presetRows[1]["s/epoch (median)"] as number) / (presetRows[0]["s/epoch (median)"] as number))
      .toFixed(2)
  } (target at most 1.5)`,
);

// The convolutional network: one epoch of the cnn preset's network on the native engine and in
// PyTorch (the same layers, batch, optimizer and images), alternating; the WebAssembly engine on
// the first 10,000 images, scaled to a whole epoch.
if (!Deno.args.includes("--no-cnn")) {
  const cnn = lib.resolveSettings("cnn", { epochs: 1 });
  console.log(`cnn preset: ${cnn.layers}`);
  const cnnEpoch = async (engine: lib.EngineName, rows: number, seed: number) => {
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
  };
  const torchCnn = (threads: number) =>
    pythonPeer<{ epochSeconds: number; classifySeconds: number; threads: number }>(
      torchPython!,
      "torch_cnn.py",
      [
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
        "--threads",
        String(threads),
      ],
    );
  const cnnReps = Math.min(reps, 2);
  const native: { epoch: number; classify: number }[] = [], pytorch: typeof native = [];
  let bestThreads = 0;
  if (torchPython) {
    const [one, all] = [await torchCnn(1), await torchCnn(cores)];
    bestThreads = one.epochSeconds <= all.epochSeconds ? 1 : cores;
    console.log(
      `PyTorch CNN epoch on 1 thread ${one.epochSeconds.toFixed(1)} s, on ${cores} ${
        all.epochSeconds.toFixed(1)
      } s: ${bestThreads} kept`,
    );
  }
  for (let rep = 1; rep <= cnnReps; rep++) {
    native.push(await cnnEpoch("native", train.images.rows, rep));
    let line = `cnn rep ${rep}: native ${native.at(-1)!.epoch.toFixed(1)} s/epoch`;
    if (torchPython) {
      const result = await torchCnn(bestThreads);
      pytorch.push({ epoch: result.epochSeconds, classify: result.classifySeconds });
      line += `, PyTorch ${result.epochSeconds.toFixed(1)} s`;
    }
    console.log(line);
  }
  const wasm = await cnnEpoch("wasm", 10000, 1);
  const cnnRows: Record<string, string | number>[] = [];
  const addCnn = (who: string, runs: { epoch: number; classify: number }[]) =>
    cnnRows.push({
      who,
      "s/epoch (median)": Number(median(runs.map((r) => r.epoch)).toFixed(1)),
      "classify 10k s": Number(median(runs.map((r) => r.classify)).toFixed(2)),
    });
  addCnn("project, native", native);
  addCnn("project, wasm (epoch from 10,000 images)", [wasm]);
  if (torchPython) addCnn(`PyTorch, ${bestThreads} thread${bestThreads === 1 ? "" : "s"}`, pytorch);
  console.table(cnnRows);
  if (torchPython) {
    const ratio = (runs: { epoch: number }[]) =>
      (median(runs.map((r) => r.epoch)) / median(pytorch.map((r) => r.epoch))).toFixed(2);
    console.log(
      `CNN epoch ratio native ÷ PyTorch: ${
        ratio(native)
      } (target at most 1.0); WebAssembly ÷ PyTorch: ${ratio([wasm])}`,
    );
  } else console.log("PyTorch not found: the CNN's epoch is measured for the project only.");
}
