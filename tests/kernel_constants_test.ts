/**
 * The numbers the TypeScript side shares with the C kernels come from the compiled library: the
 * embedded WebAssembly's table has every name this side needs, a build that lacks one (or differs
 * from it, but for the header's layout) does not load, and a layer kind the kernels do not run is refused by name.
 */
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { createSequential, type LayerSpec } from "../lib/mod.ts";
import {
  checkSameConstants,
  type ConstantSource,
  KERNEL,
  readConstants,
} from "../lib/engines/kernel_constants.ts";
import { cnnUnsupported } from "../lib/engines/kernel_cnn.ts";
import { MAX_LAYERS, MAX_THREADS } from "../lib/engines/kernel_layout.ts";

/** A build's table from a map, as the exports would list it. */
function source(table: Map<string, number>): ConstantSource {
  const entries = [...table];
  return {
    count: () => entries.length,
    name: (i) => entries[i][0],
    value: (i) => entries[i][1],
  };
}

Deno.test("KERNEL holds the limits and codes of the embedded WebAssembly build", () => {
  assertEquals(KERNEL.limit.maxLayers, 7);
  assertEquals(KERNEL.limit.maxThreads, 4);
  assertEquals(MAX_LAYERS, KERNEL.limit.maxLayers);
  assertEquals(MAX_THREADS, KERNEL.limit.maxThreads);
  assertEquals(KERNEL.limit.noActivation, -1);
  assertEquals(Object.keys(KERNEL.activation).sort(), ["relu", "sigmoid", "tanh"]);
  assertEquals(KERNEL.rule.sgd, KERNEL.rule.momentum);
  // Every field of a record has its own position inside the record.
  const positions = Object.values(KERNEL.field);
  assertEquals(new Set(positions).size, positions.length);
  assert(positions.every((p) => p >= 0 && p < KERNEL.limit.layerInts));
});

Deno.test("readConstants() refuses a build that lacks a name the TypeScript side needs", () => {
  const table = new Map(KERNEL.all);
  table.delete("layer.maxpool");
  table.delete("limit.convTile");
  assertThrows(
    () => readConstants(source(table), "test"),
    Error,
    "Cannot load the test kernels: they lack the constants limit.convTile, layer.maxpool",
  );
  table.set("layer.maxpool", 1).set("limit.convTile", 64);
  // The header's layout is needed by name as well: a field the C side stopped listing.
  table.delete("net.learningRate");
  assertThrows(
    () => readConstants(source(table), "test"),
    Error,
    "they lack the constants net.learningRate",
  );
  table.set("net.learningRate", KERNEL.net.learningRate).set("activation.swish", 9);
  assertThrows(
    () => readConstants(source(table), "test"),
    Error,
    'Cannot load the test kernels: they compute an activation "swish" the library does not know',
  );
});

Deno.test("checkSameConstants() refuses a build whose numbers differ from the embedded one", () => {
  checkSameConstants(readConstants(source(KERNEL.all), "same"), "same");
  const table = new Map(KERNEL.all).set("field.dout", 99);
  assertThrows(
    () => checkSameConstants(readConstants(source(table), "other"), "other"),
    Error,
    "Cannot load the other kernels: their constant field.dout is 99, the embedded WebAssembly's",
  );
  // The header's layout is each build's own (a native pointer takes 8 bytes, WebAssembly's 4).
  const wider = new Map(KERNEL.all).set("net.bytes", 2 * KERNEL.net.bytes);
  checkSameConstants(readConstants(source(wider), "native"), "native");
});

Deno.test("the header's layout: every field inside Net, no two at the same place", () => {
  const { bytes, ...fields } = KERNEL.net;
  const offsets = Object.values(fields);
  assertEquals(new Set(offsets).size, offsets.length);
  assert(offsets.every((at) => at >= 0 && at < bytes && at % 4 === 0), `${offsets} in ${bytes}`);
});

Deno.test("cnnUnsupported() names a layer kind the kernels do not run", () => {
  const network = createSequential({ layers: "conv(4,3) relu flatten", seed: 1 });
  const layers = [...network.layers!];
  layers.splice(1, 0, { type: "xyz" } as unknown as LayerSpec);
  assertEquals(
    cnnUnsupported({ ...network, layers }),
    'The fast engines cannot run layer "xyz": they run conv, maxpool, dense, flatten, activation, dropout, batchnorm',
  );
});
