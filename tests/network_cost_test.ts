/**
 * A network's size is refused up front, from its settings, naming the setting, the size and the
 * limit (which an environment variable raises): its parameters, its estimated memory, the fast
 * engines' 32-bit offsets, its layer count, and layers that do not fit the images. The command
 * line exits 2 for these before it makes any folder.
 */
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { networkCost, resolveSettings } from "../lib/mod.ts";
import { main } from "../tools/train.ts";
import { withEnv } from "./env.ts";

Deno.test("resolveSettings() refuses a network past a limit, naming the setting and the size", async (t) => {
  await t.step("billions of weights", () => {
    assertThrows(
      () => resolveSettings("assignment", { hiddenSizes: [2_000_000] }),
      RangeError,
      "the network of hiddenSizes (--hidden-sizes) [2000000] has 1,590,000,010, more than the limit of 100,000,000 (set MNIST_MAX_PARAMETERS to raise it)",
    );
  });
  await t.step("raising the parameters' limit leaves the memory's", async () => {
    await withEnv("MNIST_MAX_PARAMETERS", "2e9", () => {
      assertThrows(
        () => resolveSettings("assignment", { hiddenSizes: [2_000_000] }),
        RangeError,
        "GiB, more than the limit of 8.0 GiB (set MNIST_MAX_NETWORK_BYTES to raise it)",
      );
    });
  });
  await t.step("more than the fast engines' offsets reach, and the reference engine", () => {
    assertThrows(
      () => resolveSettings("cnn", { batchSize: 1500 }),
      RangeError,
      "more than the 2.0 GiB the fast engines' 32-bit offsets reach; lower batchSize or the network's sizes, or set engine to \"reference\" (--engine reference)",
    );
    const reference = resolveSettings("cnn", { batchSize: 1500, engine: "reference" });
    assert(networkCost(reference).bytes > 2 ** 31);
  });
  await t.step("thousands of layers", () => {
    assertThrows(
      () => resolveSettings("assignment", { layers: "relu ".repeat(3000) }),
      RangeError,
      "expected at most 100 layers, found 3000",
    );
  });
  await t.step("layers that do not fit the images", () => {
    assertThrows(
      () => resolveSettings("assignment", { layers: "conv(8,29,0) maxpool(2)" }),
      RangeError,
      'layers (--layers) "conv(8,29,0) maxpool(2)" do not fit the 1×28×28 images',
    );
  });
});

Deno.test("deno task train exits 2 for a network too large or layers that do not fit, before making --out", async () => {
  const folder = await Deno.makeTempDir();
  try {
    for (const args of [["--hidden-sizes", "2000000"], ["--layers", "conv(8,29,0) maxpool(2)"]]) {
      const lines: string[] = [];
      const out = `${folder}/run`;
      assertEquals(await main([...args, "--out", out], { log: (l) => lines.push(l) }), 2);
      assert(lines[0].startsWith("error: Invalid "), lines[0]);
      assertEquals(await Deno.stat(out).then(() => true, () => false), false, "no folder made");
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
