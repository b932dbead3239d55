/**
 * Seeded fuzz tests of everything read from outside: pictures (PNG and JPEG, headers and bodies),
 * model files (every field replaced by values of every kind, shapes mismatched, sizes extreme)
 * and layer texts. Each case loads to something whole, or throws an Error with a clear message,
 * within a time bound per case and a memory bound for the whole test, both measured here.
 */
import { Buffer } from "node:buffer";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import { assert } from "./assert.ts";
import {
  classify,
  isSequential,
  matrix,
  networkCost,
  networkProblem,
  parseModel,
  Random,
  resolveSettings,
} from "../lib/mod.ts";
import { decodeImage } from "../lib/data/image_file.ts";
import { type Body, cnnModelText, mlpModelText, reseal } from "./model_fixtures.ts";

/** Per case: a refusal or a load takes at most this long. */
const CASE_MS = 2000;
/**
 * For a whole test: the process grows by at most this much. Alone, a test grows by 100–200 MiB;
 * run with every other test file, the process's resident pages also hold the other files' heaps
 * (600 MiB was seen), so the bound sits well above that and well below the several GiB that an
 * unchecked header or a bomb costs.
 */
const GROWTH_BYTES = 1024 * 2 ** 20;

/** Runs every case, checking each one's time and the whole run's memory growth. */
async function bounded(cases: number, run: (i: number) => Promise<void> | void) {
  const before = Deno.memoryUsage().rss;
  for (let i = 0; i < cases; i++) {
    const started = performance.now();
    await run(i);
    const ms = performance.now() - started;
    assert(ms < CASE_MS, `case ${i} took ${ms.toFixed(0)} ms`);
  }
  const grown = Deno.memoryUsage().rss - before;
  assert(grown < GROWTH_BYTES, `the process grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
}

/** An Error with a message that starts as it should. */
function assertClear(error: unknown, start: string, i: number) {
  assert(error instanceof Error, `case ${i}: threw ${error}`);
  assert(
    error.message.startsWith(start) && error.message.length > start.length + 10,
    `case ${i}: ${error.message}`,
  );
}

/** Bytes with seeded damage: a cut, flipped bits, or a header number replaced. */
function damage(bytes: Uint8Array, rng: Random, numbersAt: number[]): Uint8Array {
  const kind = rng.integer(3);
  if (kind === 0) return bytes.slice(0, rng.integer(bytes.length));
  const out = bytes.slice();
  if (kind === 1) {
    for (let flips = 1 + rng.integer(4); flips > 0; flips--) {
      out[rng.integer(out.length)] ^= 1 << rng.integer(8);
    }
    return out;
  }
  const at = numbersAt[rng.integer(numbersAt.length)];
  const extremes = [0, 1, 0xffff, 0x7fffffff, 0xffffffff, rng.integer(2 ** 32)];
  const value = extremes[rng.integer(extremes.length)];
  new DataView(out.buffer).setUint16(at, value & 0xffff);
  if (at + 4 <= out.length && rng.uniform() < 0.5) new DataView(out.buffer).setUint32(at, value);
  return out;
}

Deno.test("decodeImage() on 400 damaged PNG and JPEG files: a whole image or a clear Error, in bounds", async () => {
  const width = 40, height = 30, rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37) % 256;
  const png = new PNG({ width, height });
  png.data.set(rgba);
  const pngBytes = new Uint8Array(PNG.sync.write(png));
  const jpegBytes = new Uint8Array(
    jpeg.encode({ data: Buffer.from(rgba), width, height }, 80).data,
  );
  const sof = jpegBytes.findIndex((b, i) => b === 0xff && jpegBytes[i + 1] === 0xc0);
  const rng = new Random(19);
  let decoded = 0;
  // A damaged header may claim up to the pixel limit, and each such decode keeps its pages in the
  // process after it is collected: a lower limit keeps the memory bound about the readers, not
  // about how many large claims the seed happens to make.
  const pixelLimit = Deno.env.get("MNIST_MAX_PICTURE_PIXELS");
  Deno.env.set("MNIST_MAX_PICTURE_PIXELS", "4000000");
  try {
    await bounded(400, (i) => {
      const [bytes, at] = i % 2
        ? [pngBytes, [16, 18, 20, 22, 24, 33]]
        : [jpegBytes, [sof + 2, sof + 5, sof + 7, 4]];
      const damaged = damage(bytes, rng, at);
      try {
        const image = decodeImage(damaged, "'fuzz'");
        assert(image.width >= 1 && image.height >= 1, `case ${i}: ${image.width}×${image.height}`);
        assert(image.pixels.length === image.width * image.height, `case ${i}: pixels`);
        assert(image.pixels.every((v) => v >= 0 && v <= 1), `case ${i}: grey levels`);
        decoded++;
      } catch (error) {
        assertClear(error, "Cannot read 'fuzz': ", i);
      }
    });
  } finally {
    if (pixelLimit === undefined) Deno.env.delete("MNIST_MAX_PICTURE_PIXELS");
    else Deno.env.set("MNIST_MAX_PICTURE_PIXELS", pixelLimit);
  }
  assert(decoded > 20, `only ${decoded} decoded`);
});

/** Every path to a value in `value`: ["network", "sizes", 1], … */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  }
  if (typeof value === "object" && value !== null) {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  }
  return [prefix];
}

/** A value of a seeded kind: numbers (extreme ones too), texts, lists, objects, nothing. */
function anyValue(rng: Random, original: unknown): unknown {
  const choices = [
    () => undefined,
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1.5,
    () => 2 ** 31,
    () => 1e300,
    () => Number.MAX_SAFE_INTEGER,
    () => "",
    () => "</script><script>alert(1)</script>",
    () => "AAAA",
    () => [],
    () => [1, 2],
    () => ({}),
    () => ({ channels: 1, height: 1e6, width: 1e6 }),
    () => Array.isArray(original) ? [...original, ...original] : original,
    () => typeof original === "number" ? original * (1 + rng.integer(100)) : original,
    () => typeof original === "number" ? original + 1 : original,
    () =>
      typeof original === "string" ? original.slice(0, rng.integer(original.length + 1)) : original,
  ];
  return choices[rng.integer(choices.length)]();
}

function setAt(body: Body, path: (string | number)[], value: unknown): void {
  if (path.length === 0) return;
  let node = body;
  for (const key of path.slice(0, -1)) node = node[key];
  if (value === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
}

Deno.test("parseModel() on 600 model files with fields replaced: a whole model or a clear Error, in bounds", async () => {
  const bodies: Body[] = [JSON.parse(await mlpModelText()), JSON.parse(await cnnModelText())];
  const rng = new Random(23);
  let loaded = 0;
  await bounded(600, async (i) => {
    const body = structuredClone(bodies[i % 2]);
    const { sha256: _, ...unsealed } = body;
    const every = paths(unsealed).filter((p) => p.length > 0);
    // One to three fields replaced, each by a value of any kind.
    for (let n = 1 + rng.integer(3); n > 0; n--) {
      const path = every[rng.integer(every.length)];
      try {
        let original: unknown = body;
        for (const key of path) original = (original as Body)[key];
        setAt(body, path, anyValue(rng, original));
      } catch {
        // The path went away with an earlier replacement.
      }
    }
    try {
      const model = await parseModel(await reseal(body), "'fuzz.json'");
      assert(networkProblem(model.network) === undefined, `case ${i}: loaded a broken network`);
      const input = isSequential(model.network) ? model.network.input : undefined;
      const kept = JSON.stringify([model.history, model.network.init, input]);
      assert(!kept.includes("script"), `case ${i}: kept an extra field: ${kept}`);
      const out = await classify(model.network, matrix(1, 784), { engine: "reference" });
      assert(out.data.every(Number.isFinite), `case ${i}: outputs`);
      loaded++;
    } catch (error) {
      assertClear(error, "Cannot ", i);
    }
  });
  assert(loaded > 10, `only ${loaded} loaded`);
});

Deno.test("resolveSettings() on 500 seeded layer texts: a network within the limits or a clear Error, in bounds", async () => {
  const rng = new Random(29);
  const numbers = ["0", "1", "2", "3", "5", "28", "29", "-1", "0.5", "1e9", "x", ""];
  const number = () => numbers[rng.integer(numbers.length)];
  const words = [
    () => `conv(${number()},${number()})`,
    () => `conv(${number()},${number()},${number()})`,
    () => `maxpool(${number()})`,
    () => `dense(${number()})`,
    () => `dropout(${number()})`,
    () => "flatten",
    () => "relu",
    () => "silu",
    () => "swirl",
    () => "conv(",
    () => ")",
    () => `dense(${number()},${number()})`,
  ];
  let accepted = 0;
  await bounded(500, (i) => {
    const count = rng.uniform() < 0.05 ? 150 : 1 + rng.integer(6);
    const text = Array.from({ length: count }, () => words[rng.integer(words.length)]()).join(
      rng.uniform() < 0.5 ? " " : ",",
    );
    try {
      const settings = resolveSettings("assignment", { layers: text, hiddenSizes: [] });
      const cost = networkCost(settings);
      assert(cost.parameters <= 100_000_000, `case ${i}: ${text} has ${cost.parameters}`);
      accepted++;
    } catch (error) {
      assertClear(error, "Invalid ", i);
    }
  });
  assert(accepted > 20, `only ${accepted} accepted`);
});
