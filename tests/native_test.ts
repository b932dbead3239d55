/**
 * The native engine: the C kernels built for this machine agree with the reference engine, give
 * the same weights on any number of threads — and as the WebAssembly kernels, to the bit — and fall
 * back to WebAssembly, with one line saying why, where there is no compiler; a damaged cached build
 * is rebuilt, never loaded.
 */
import { assert, assertEquals } from "./assert.ts";
import {
  chooseEngine,
  classify,
  cloneNetwork,
  createNetwork,
  createSequential,
  loadDataset,
  normalizeImages,
  predictProbabilities,
  takeExamples,
  train,
} from "../lib/mod.ts";
import { buildNative } from "../lib/engines/native_build.ts";
import { commandSucceeds } from "../tools/commands.ts";

// Without a C compiler these tests are skipped with a message (the fallback test still runs);
// under CI=true, where .ci/run installs gcc, they must run.
const compiler = (await Promise.all(
  ["cc", "gcc", "clang"].map((c) => commandSucceeds(c, ["--version"])),
)).some(Boolean);
const inCi = Deno.env.get("CI") === "true";
if (!compiler && !inCi) {
  console.warn("Skipping the native engine's tests: no C compiler (install gcc)");
}
const needsCompiler = (name: string, fn: (t: Deno.TestContext) => Promise<void>) =>
  Deno.test({ name, ignore: !compiler && !inCi, fn });

const mnist = await loadDataset("mnist");
const subset = takeExamples(
  normalizeImages(mnist.train),
  Array.from({ length: 1000 }, (_, i) => i),
);
const test = takeExamples(normalizeImages(mnist.test), Array.from({ length: 300 }, (_, i) => i));
const plain = { optimizer: "sgd", momentum: 0, weightDecay: 0 } as const;
const largest = (a: ReturnType<typeof createNetwork>, b: ReturnType<typeof createNetwork>) =>
  Math.max(
    ...a.weights.map((w, l) =>
      w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.weights[l].data[i])), 0)
    ),
  );

needsCompiler("the native engine is built here, and chosen first", async () => {
  const { engine, notice } = await chooseEngine("auto", {
    network: createNetwork(),
    optimizer: plain,
  });
  assertEquals([engine.name, notice], ["native", undefined]);
  assert(/^native \((gcc|clang)/.test(engine.describe(2)), engine.describe(2));
});

needsCompiler(
  "every optimizer, with dropout and augmentation, takes the same steps natively as on the reference engine",
  async (t) => {
    for (const optimizer of ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"] as const) {
      await t.step(optimizer, async () => {
        const adaptive = ["rmsprop", "adam", "adamw"].includes(optimizer);
        const settings = {
          epochs: 1,
          optimizer,
          learningRate: adaptive ? 0.001 : 0.1,
          momentum: 0.9,
          weightDecay: 1e-3,
          dropout: [0.3, 0.2],
          augment: optimizer === "momentum" ? "affine+elastic" as const : "none" as const,
          seed: 5,
        };
        const native = createNetwork({ sizes: [784, 40, 24, 10], hidden: "relu", seed: 1 });
        const reference = cloneNetwork(native);
        await train(native, subset, { ...settings, engine: "native" });
        await train(reference, subset, { ...settings, engine: "reference" });
        assert(
          largest(native, reference) < 2e-4,
          `largest difference ${largest(native, reference)}`,
        );
      });
    }
  },
);

needsCompiler("the native engine gives bit-identical weights on 1, 2 or 3 threads", async () => {
  const run = async (threads: number) => {
    const network = createNetwork({ sizes: [784, 136, 40, 10], hidden: "sigmoid", seed: 6 });
    await train(network, subset, {
      epochs: 2,
      optimizer: "adam",
      learningRate: 0.002,
      dropout: [0.4],
      engine: "native",
      threads,
    });
    return network;
  };
  const one = await run(1);
  for (const threads of [2, 3]) assertEquals((await run(threads)).weights, one.weights);
});

needsCompiler(
  "classify() on the native engine agrees with the reference forward pass",
  async () => {
    const network = createNetwork({ sizes: [784, 100, 37, 10], hidden: "tanh", seed: 4 });
    const native = await classify(network, test.images, { engine: "native" });
    const reference = predictProbabilities(network, test.images);
    const worst = native.data.reduce((m, v, i) => Math.max(m, Math.abs(v - reference.data[i])), 0);
    assert(worst < 1e-5, `largest difference ${worst}`);
  },
);

/** Runs a small script in a fresh process; returns what it printed. */
async function fresh(code: string, env: Record<string, string> = {}) {
  const { stdout, stderr, success } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: decodeURIComponent(new URL("..", import.meta.url).pathname),
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(success, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim();
}

Deno.test("without a C compiler, everything runs on WebAssembly with one line saying why", async () => {
  const line = await fresh(
    `import { describeEngine } from "./lib/mod.ts";
     console.log(await describeEngine({ engine: "auto", threads: 1 }));`,
    { PATH: "/nonexistent", CC: "" },
  );
  assertEquals(
    line,
    "WebAssembly SIMD (lib/engines/c/) on 1 thread (WebAssembly: no C compiler found (tried $CC, cc, gcc and clang))",
  );
});

needsCompiler("a damaged cached build is rebuilt, never loaded", async () => {
  const { path } = await buildNative();
  // Replaced, not written over: this process has the library mapped, and must keep its copy.
  await Deno.writeTextFile(`${path}.damaged`, "not a shared library");
  await Deno.rename(`${path}.damaged`, path);
  const line = await fresh(
    `import { describeEngine } from "./lib/mod.ts";
     console.log(await describeEngine({ engine: "native", threads: 1 }));`,
  );
  assert(line.startsWith("native ("), line);
  assert((await Deno.readFile(path)).length > 10_000, "the library was built again");
});

needsCompiler(
  "the native and the WebAssembly kernels give bit-identical weights: a seed's numbers do not depend on the vector width",
  async () => {
    // Every multiply-add the kernels fuse is fused on purpose (madd), and the native build lets the
    // compiler fuse nothing else, so 8 or 16 lanes natively give what WebAssembly's 4 give.
    const runs = {
      "the MLP, Adam and dropout": async (engine: "native" | "wasm") => {
        const network = createNetwork({ sizes: [784, 48, 24, 10], hidden: "relu", seed: 2 });
        await train(network, subset, {
          epochs: 2,
          optimizer: "adam",
          learningRate: 1e-3,
          dropout: [0.2],
          labelSmoothing: 0.1,
          engine,
        });
        return network;
      },
      "a CNN, momentum, batchnorm and max-norm": async (engine: "native" | "wasm") => {
        const network = createSequential({
          layers:
            "conv(6,3) batchnorm relu maxpool(2) conv(8,3,0) tanh maxpool(2) flatten dense(24) sigmoid",
          seed: 2,
        });
        await train(network, subset, {
          epochs: 1,
          optimizer: "momentum",
          momentum: 0.9,
          learningRate: 0.05,
          maxNorm: 2,
          engine,
        });
        return network;
      },
    };
    for (const [name, run] of Object.entries(runs)) {
      const native = await run("native"), wasm = await run("wasm");
      assertEquals(native.weights, wasm.weights, name);
      assertEquals(native.biases, wasm.biases, name);
    }
  },
);
