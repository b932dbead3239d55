/**
 * The page's description of a network refuses a layer its forward pass does not know, by name,
 * rather than drop it.
 */
import { assertEquals, assertThrows } from "./assert.ts";
import { createSequential, type LayerSpec, pageModel } from "../lib/mod.ts";

Deno.test("pageModel() keeps every layer it knows and refuses one it does not, by name", () => {
  const network = createSequential({ layers: "conv(4,3) relu maxpool(2) flatten dropout(0.5)" });
  assertEquals(pageModel(network).layers.map((layer) => layer.type), [
    "conv",
    "activation",
    "maxpool",
    "flatten",
    "dropout",
    "dense",
  ]);
  const layers = [...network.layers!, { type: "xyz" } as unknown as LayerSpec];
  assertThrows(
    () => pageModel({ ...network, layers }),
    TypeError,
    'Cannot put the network on the page: its forward pass does not know layer "xyz"',
  );
});
