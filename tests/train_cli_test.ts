import { assert, assertEquals, assertThrows } from "./assert.ts";
import { toolArgs } from "./env.ts";
import { defaultFolder, main, parseArguments, UsageError } from "../tools/train.ts";
import { loadModel, resolveSettings } from "../lib/mod.ts";

function capture() {
  const lines: string[] = [];
  return { lines, io: { log: (line: string) => lines.push(line) } };
}

Deno.test("parseArguments() reads every flag, in both spellings", () => {
  const parsed = parseArguments([
    "--preset=reference-notebook",
    "--dataset",
    "fashion-mnist",
    "--epochs",
    "3",
    "--batch-size=full",
    "--learning-rate",
    "0.05",
    "--momentum",
    "0.9",
    "--seed",
    "4",
    "--limit-training-rows",
    "100",
    "--hidden-sizes",
    "32,16",
    "--threads=auto",
  ]);
  assertEquals(parsed.preset, "reference-notebook");
  assertEquals(parsed.overrides, {
    dataset: "fashion-mnist",
    epochs: 3,
    batchSize: "full",
    learningRate: 0.05,
    momentum: 0.9,
    seed: 4,
    limitTrainingRows: 100,
    hiddenSizes: [32, 16],
    threads: "auto",
  });
});

Deno.test("parseArguments() names the bad flag or value", async (t) => {
  const cases: [string[], string][] = [
    [["--epoch", "3"], 'Unknown option "--epoch"'],
    [
      ["--epochs", "three"],
      'Invalid value for --epochs: expected a positive integer, found "three"',
    ],
    [["--epochs", "0"], 'Invalid value for --epochs: expected a positive integer, found "0"'],
    [
      ["--learning-rate", "-1"],
      'Invalid value for --learning-rate: expected a positive number, found "-1"',
    ],
    [
      ["--preset", "big"],
      'Invalid value for --preset: expected one of assignment, reference-notebook, best-mlp, best-mlp-augmented, cnn, cnn-augmented, cnn-batchnorm, speedrun, speedrun-light, found "big"',
    ],
    [
      ["--dataset", "cifar"],
      'Invalid value for --dataset: expected one of mnist, fashion-mnist, found "cifar"',
    ],
    [
      ["--momentum", "1"],
      'Invalid value for --momentum: expected a number from 0 up to 1, found "1"',
    ],
    [
      ["--seed", "4294967296"],
      'Invalid value for --seed: expected an integer from 0 to 4294967295, found "4294967296"',
    ],
    [
      ["--hidden-sizes", "128,x"],
      'Invalid value for --hidden-sizes: expected a list of positive integers, found "128,x"',
    ],
    [["--epochs"], "Missing value for --epochs"],
    [["--epochs", "--seed", "3"], "Missing value for --epochs"],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assertThrows(() => parseArguments(args), UsageError, message);
    });
  }
});

Deno.test("main() prints the usage for --help and exits 2 on a usage error", async () => {
  const help = capture();
  assertEquals(await main(["--help"], help.io), 0);
  assert(help.lines[0].startsWith("Usage: deno task train"));
  const bad = capture();
  assertEquals(await main(["--batch-size", "many"], bad.io), 2);
  assert(
    bad.lines[0].startsWith(
      'error: Invalid value for --batch-size: expected a positive integer, or "full" for full-batch gradient descent, found "many"',
    ),
  );
  assert(bad.lines[0].includes("Usage: deno task train"));
});

Deno.test("main() trains, then writes the model, metrics.json and the figures", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const { lines, io } = capture();
    const code = await main([
      "--epochs",
      "3",
      "--limit-training-rows",
      "4000",
      "--learning-rate",
      "0.3",
      "--momentum",
      "0.9",
      "--out",
      folder,
    ], io);
    assertEquals(code, 0);
    assert(lines.some((l) => l.startsWith("epoch   3")), lines.join("\n"));
    assert(
      lines.some((l) => /training accuracy \d+\.\d\d%, test accuracy \d+\.\d\d%/.test(l)),
      lines.join("\n"),
    );
    const metrics = JSON.parse(await Deno.readTextFile(`${folder}/metrics.json`));
    assertEquals(metrics.epochsCompleted, 3);
    assert(metrics.testAccuracy > 0.6, `test accuracy ${metrics.testAccuracy}`);
    assertEquals(metrics.confusionTest.flat().reduce((a: number, b: number) => a + b), 10000);
    const model = await loadModel(`${folder}/model.json`);
    assertEquals(model.history.length, 3);
    const figures = [...Deno.readDirSync(`${folder}/figures`)].map((e) => e.name).sort();
    for (
      const name of [
        "confusion-test",
        "confusion-train",
        "first-layer-weights",
        "history",
        "roc-test",
      ]
    ) {
      assert(
        figures.includes(`${name}.svg`) && figures.includes(`${name}.png`),
        `${name} saved as SVG and PNG`,
      );
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("main() titles a sequential network's figures by its layers, not its sizes", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const { lines, io } = capture();
    const layers = "conv(2,5) relu maxpool(2) flatten";
    const code = await main(
      ["--layers", layers, "--epochs", "1", "--limit-training-rows", "200", "--out", folder],
      io,
    );
    assertEquals(code, 0, lines.join("\n"));
    const history = await Deno.readTextFile(`${folder}/figures/history.svg`);
    const title = `Training ${layers} dense(10) (assignment) on mnist`;
    assert(history.includes(title), `history.svg is titled "${title}"`);
    assert(!history.includes("Training 784-"), "no sizes list in the title");
    assert(Deno.statSync(`${folder}/figures/first-layer-filters.svg`).isFile);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("main() checks the output folder before any training", async (t) => {
  const folder = await Deno.makeTempDir();
  const file = `${folder}/a-file`;
  await Deno.writeTextFile(file, "");
  await Deno.writeTextFile(`${folder}/model.json`, "{}");
  const run = async (args: string[]) => {
    const { lines, io } = capture();
    return {
      code: await main(["--epochs", "1", "--limit-training-rows", "500", ...args], io),
      lines,
    };
  };
  try {
    await t.step("an empty --out is a usage error", async () => {
      const { code, lines } = await run(["--out", ""]);
      assertEquals(code, 2);
      assert(lines[0].includes('expected a folder, found ""'), lines[0]);
    });
    await t.step("a file is not a folder", async () => {
      const { code, lines } = await run(["--out", file]);
      assertEquals(code, 2);
      assert(lines[0].includes(`found a file '${file}'`), lines[0]);
    });
    await t.step("a folder that cannot be made fails with status 1, before training", async () => {
      const { code, lines } = await run(["--out", `${file}/run`]);
      assertEquals(code, 1);
      assert(lines[0].startsWith(`error: Cannot write the run to '${file}/run'`), lines[0]);
      assert(!lines.some((l) => l.startsWith("epoch")), "no training");
    });
    await t.step("an earlier run is never overwritten without --overwrite", async () => {
      const { code, lines } = await run(["--out", folder]);
      assertEquals(code, 2);
      assert(lines[0].includes("already holds a run (model.json); pass --overwrite"), lines[0]);
      assertEquals((await run(["--out", folder, "--overwrite"])).code, 0);
      assertEquals((await loadModel(`${folder}/model.json`)).history.length, 1);
    });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("defaultFolder() names are unique even when made in the same millisecond", () => {
  const settings = resolveSettings("assignment");
  const names = new Set(Array.from({ length: 200 }, () => defaultFolder(settings)));
  assertEquals(names.size, 200);
});

Deno.test("main() reports a diverged run in one line, exits 1, and saves the last good epoch", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const { lines, io } = capture();
    // Momentum 0.999 and a large rate: the first epochs learn, then the loss explodes.
    const code = await main([
      "--epochs",
      "30",
      "--limit-training-rows",
      "1000",
      "--learning-rate",
      "3",
      "--momentum",
      "0.995",
      "--out",
      `${folder}/run`,
    ], io);
    assertEquals(code, 1, lines.join("\n"));
    const error = lines.find((l) => l.startsWith("error: Training diverged"));
    assert(error, lines.join("\n"));
    assert(/The network keeps the model of epoch \d+/.test(error), error);
    const kept = Number(/epoch (\d+)\.$/.exec(error)![1]);
    if (kept > 0) assertEquals((await loadModel(`${folder}/run/model.json`)).history.length, kept);
    else assert(lines.some((l) => l === "Nothing was saved."), lines.join("\n"));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("deno task train stopped by Ctrl-C saves the last completed epoch and exits 130", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: toolArgs(
        "train",
        "--epochs",
        "500",
        "--limit-training-rows",
        "2000",
        "--out",
        `${folder}/run`,
      ),
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let output = "";
    while (!output.includes("epoch   2")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    child.kill("SIGINT");
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      output += next.value;
    }
    const { code } = await child.status;
    await child.stderr.cancel();
    assertEquals(code, 130, output);
    assert(/Stopped after \d+ epochs/.test(output), output);
    const model = await loadModel(`${folder}/run/model.json`);
    assert(model.history.length >= 2 && model.history.length < 500);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
