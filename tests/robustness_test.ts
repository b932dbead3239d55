/**
 * Damaged input never crashes, hangs or over-allocates: the IDX reader and the model loader are
 * fed many seeded truncations and bit flips of valid files, and each must either give back an
 * equal value or throw an Error with a message.
 */
import { assert, assertEquals, assertRejects } from "./assert.ts";
import {
  createNetwork,
  parseModel,
  Random,
  readIdx,
  resolveSettings,
  serializeModel,
} from "../lib/mod.ts";
import { encodeIdx } from "./idx_fixtures.ts";
import { gzip } from "./gzip.ts";

/** A seeded damage: a cut at a random point, or one to three flipped bits. */
function damage(bytes: Uint8Array, rng: Random): Uint8Array {
  if (rng.uniform() < 0.4) return bytes.slice(0, rng.integer(bytes.length));
  const out = bytes.slice();
  for (let flips = 1 + rng.integer(3); flips > 0; flips--) {
    out[rng.integer(out.length)] ^= 1 << rng.integer(8);
  }
  return out;
}

Deno.test("readIdx() on 400 damaged raw and gzipped files: an equal value or a clear Error", async () => {
  const original = {
    type: "ubyte" as const,
    dims: [6, 5],
    data: Uint8Array.from({ length: 30 }, (_, i) => i * 7),
  };
  const raw = encodeIdx(original);
  const zipped = await gzip(raw);
  const rng = new Random(11);
  let loaded = 0, refused = 0;
  for (let trial = 0; trial < 400; trial++) {
    const bytes = damage(trial % 2 ? zipped : raw, rng);
    try {
      const result = await readIdx(bytes, "fuzz");
      assertEquals(result.dims.reduce((a, b) => a * b, 1), result.data.length);
      loaded++;
    } catch (error) {
      assert(error instanceof Error && error.message.length > 10, `trial ${trial}: ${error}`);
      refused++;
    }
  }
  assert(loaded > 0 && refused > 100, `loaded ${loaded}, refused ${refused}`);
});

Deno.test("readIdx() stops a gzip stream that inflates past its header's size, before it is inflated", async () => {
  // A header for 10 bytes, then 64 MiB of zeros: about 64 KiB once gzipped.
  const bomb = new Uint8Array(64 * 2 ** 20);
  bomb.set(encodeIdx({ type: "ubyte", dims: [10], data: new Uint8Array(10) }));
  const zipped = await gzip(bomb);
  assert(zipped.length < 200_000);
  const started = performance.now();
  await assertRejects(
    () => readIdx(zipped, "file 'bomb.gz'"),
    SyntaxError,
    "Cannot read IDX file 'bomb.gz': expected 18 bytes once inflated, as its header declares (dimensions 10), found more",
  );
  assert(performance.now() - started < 2000, "it stopped early");
});

Deno.test("parseModel() on 300 damaged model files: an equal model or a clear Error", async () => {
  const network = createNetwork({ sizes: [784, 4, 10], seed: 2 });
  const settings = resolveSettings("assignment", { hiddenSizes: [4], epochs: 1 });
  const text = await serializeModel({ network, settings, history: [] });
  const bytes = new TextEncoder().encode(text);
  const rng = new Random(12);
  for (let trial = 0; trial < 300; trial++) {
    const damaged = new TextDecoder().decode(damage(bytes, rng));
    try {
      const model = await parseModel(damaged, "'fuzz.json'");
      assertEquals(model.network.weights, network.weights, `trial ${trial} loaded other weights`);
    } catch (error) {
      assert(error instanceof Error, `trial ${trial}: ${error}`);
      assert(error.message.startsWith("Cannot load model 'fuzz.json'"), error.message);
    }
  }
});
