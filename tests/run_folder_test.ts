/**
 * Nothing lost: two runs cannot write one folder (a lock file claims it), a lock left by a dead
 * process is taken over, and a run that cannot write its model says where the network went.
 */
import { assert, assertEquals } from "./assert.ts";
import { main } from "../tools/train.ts";
import { claimFolder, LOCK_FILE } from "../lib/data/folder_claim.ts";
import { loadModel } from "../lib/mod.ts";

const quick = ["--epochs", "1", "--limit-training-rows", "300", "--engine", "reference"];
const run = async (args: string[]) => {
  const lines: string[] = [];
  const code = await main([...quick, ...args], { log: (line) => lines.push(line) });
  return { code, lines };
};
const present = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("two runs into one --out at once: one writes it, the other is refused", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const [a, b] = await Promise.all([run(["--out", folder]), run(["--out", folder])]);
    assertEquals([a.code, b.code].sort(), [0, 1], [...a.lines, ...b.lines].join("\n"));
    const refused = a.code === 1 ? a : b;
    assert(refused.lines[0].includes(`another run (process ${Deno.pid}) is writing it`));
    const metrics = JSON.parse(await Deno.readTextFile(`${folder}/metrics.json`));
    const model = await loadModel(`${folder}/model.json`);
    assertEquals(metrics.history, model.history, "the model and the metrics are one run's");
    assertEquals(await present(`${folder}/${LOCK_FILE}`), false, "the claim is released");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a folder another live run holds is refused before training; a dead run's lock is taken over", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const claim = await claimFolder(folder);
    const held = await run(["--out", folder]);
    assertEquals(held.code, 1);
    assert(held.lines[0].includes("is writing it; wait for it to end, or choose another folder"));
    assert(!held.lines.some((l) => l.startsWith("epoch")), "no training");
    await claim.release();
    await Deno.writeTextFile(`${folder}/${LOCK_FILE}`, "999999999\n"); // no such process
    assertEquals((await run(["--out", folder])).code, 0);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a run that cannot write its model saves it elsewhere and says where", async () => {
  const folder = await Deno.makeTempDir();
  try {
    // model.json is a folder that is not empty: the model's rename onto it fails.
    await Deno.mkdir(`${folder}/model.json/x`, { recursive: true });
    const { code, lines } = await run(["--out", folder, "--overwrite"]);
    assertEquals(code, 1);
    const line = lines.find((l) => l.startsWith("error: could not write the model to"));
    assert(line, lines.join("\n"));
    const elsewhere = /it is saved instead in (\S+)$/.exec(line)![1];
    assertEquals((await loadModel(elsewhere)).history.length, 1);
    await Deno.remove(elsewhere.replace(/\/model\.json$/, ""), { recursive: true });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a run that saves nothing leaves no folder it made, and no lock in one it did not", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const made = `${folder}/new`;
    const { code, lines } = await run(["--out", made, "--learning-rate", "1e10"]);
    assertEquals(code, 1, lines.join("\n"));
    assert(lines.includes("Nothing was saved."), lines.join("\n"));
    assertEquals(await present(made), false, "the folder made for the run is gone");
    assertEquals((await run(["--out", folder, "--learning-rate", "1e10"])).code, 1);
    assertEquals(await present(folder), true, "a folder the user had is kept");
    assertEquals(await present(`${folder}/${LOCK_FILE}`), false);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
