/**
 * Committees: `deno task ensemble` trains members with their own seeds into one folder and writes
 * a committee file; `loadModel` reads it like a model; the committee's probabilities are the mean
 * of its members'; bad committee files are refused naming the file and what is wrong.
 */
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "./assert.ts";
import {
  accuracy,
  classify,
  classifyCommittee,
  classifyImage,
  classifyWithShifts,
  loadDataset,
  loadModel,
  loadRunData,
  type Network,
  normalizeImages,
  saveCommittee,
  takeExamples,
} from "../lib/mod.ts";
import { main } from "../tools/ensemble.ts";

const mnist = await loadDataset("mnist");
const test = takeExamples(normalizeImages(mnist.test), Array.from({ length: 200 }, (_, i) => i));

Deno.test("deno task ensemble trains members with their own seeds, and the committee averages them", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const code = await main([
      "--members",
      "2",
      "--epochs",
      "1",
      "--limit-training-rows",
      "600",
      "--hidden-sizes",
      "16",
      "--seed",
      "40",
      "--shifted-test",
      "--out",
      folder,
    ], { log: (line) => lines.push(line) });
    assertEquals(code, 0, lines.join("\n"));
    const file = JSON.parse(await Deno.readTextFile(`${folder}/committee.json`));
    assertEquals(file.members, ["member-1/model.json", "member-2/model.json"]);
    const metrics = JSON.parse(await Deno.readTextFile(`${folder}/committee-metrics.json`));
    assertEquals(metrics.members.length, 2);
    assert(metrics.committee > 0.2, `the committee beats chance (10%): ${metrics.committee}`);
    assert(lines.some((l) => /the committee of 2: \d+\.\d\d%/.test(l)), lines.at(-2));
    assert(
      lines.some((l) => /\d\.\d\d% with shifted copies/.test(l)),
      "--shifted-test is reported",
    );

    const committee = await loadModel(`${folder}/committee.json`);
    const [first, second] = await Promise.all(
      [1, 2].map((k) => loadModel(`${folder}/member-${k}/model.json`)),
    );
    assertEquals(committee.committee!.length, 2);
    assertEquals(committee.network.weights, first.network.weights);
    assertEquals([first.settings.seed, second.settings.seed], [40, 41]);
    assert(first.network.weights[0].data.some((v, i) => v !== second.network.weights[0].data[i]));

    // The committee's probabilities are the mean of its members'.
    const together = await classifyCommittee(committee.committee!, test.images);
    const a = await classify(first.network, test.images),
      b = await classify(second.network, test.images);
    for (const i of [0, 7, 500, 1999]) {
      assertAlmostEquals(together.data[i], (a.data[i] + b.data[i]) / 2, 1e-6);
    }
    // A picture, as deno task classify reads one with a committee.
    const image = {
      width: 28,
      height: 28,
      pixels: test.images.data.slice(0, 784).map((v) => 1 - v),
    };
    const verdict = await classifyImage(committee.committee!, image);
    assertAlmostEquals(verdict.probabilities.reduce((s, p) => s + p, 0), 1, 1e-5);

    // --shifted-test: each member's and the committee's test accuracy over the shifted views.
    const { test: all } = await loadRunData(committee.settings);
    const shiftedAccuracy = async (networks: Network[]) =>
      accuracy(await classifyWithShifts(networks, all.images), all.labels);
    const memberMetrics = JSON.parse(await Deno.readTextFile(`${folder}/member-1/metrics.json`));
    assertEquals(memberMetrics.testAccuracyShifted, await shiftedAccuracy([first.network]));
    assertEquals(metrics.committeeShifted, await shiftedAccuracy(committee.committee!));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a bad committee file is refused, naming the file and what is wrong", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const code = await main([
      "--members",
      "1",
      "--epochs",
      "1",
      "--limit-training-rows",
      "300",
      "--hidden-sizes",
      "8",
      "--out",
      `${folder}/one`,
    ], { log: () => {} });
    assertEquals(code, 0);
    const write = (name: string, value: unknown) =>
      Deno.writeTextFile(`${folder}/${name}`, JSON.stringify(value));
    const refused = async (name: string, value: unknown, message: string) => {
      await write(name, value);
      await assertRejects(() => loadModel(`${folder}/${name}`), SyntaxError, message);
    };
    await refused(
      "v2.json",
      { format: "mnist-committee", version: 2, members: ["one/member-1/model.json"] },
      "expected version 1, found 2",
    );
    await refused(
      "empty.json",
      { format: "mnist-committee", version: 1, members: [] },
      'expected "members" to list 1 to 100 model files',
    );
    await refused(
      "missing.json",
      { format: "mnist-committee", version: 1, members: ["one/member-1/model.json", "nope.json"] },
      "member 2 ('nope.json'): Cannot load model",
    );
    await refused(
      "nested.json",
      { format: "mnist-committee", version: 1, members: ["one/committee.json"] },
      "it is a committee file, and a committee's members must be models",
    );
    await saveCommittee(`${folder}/self.json`, ["self.json"]);
    await assertRejects(() => loadModel(`${folder}/self.json`), SyntaxError, "is a committee file");
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
