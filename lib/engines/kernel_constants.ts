/**
 * The numbers the TypeScript side shares with the C kernels — limits, run modes, activation and
 * update-rule codes, layer kinds, the fields of a sequential program's records, and where each
 * field of the network's header lies — read by name from the compiled library, where `c/net.c` and
 * `c/program.c` define each once (`constant_count`, `constant_name`, `constant_value`, exported by
 * `c/kernels.c`). {@linkcode KERNEL} is read at load from the embedded WebAssembly build; the
 * native build's table must match it (`native_backend.ts`), except the header's layout, which
 * differs with the size of a pointer. A build that lacks a name this side needs does not load.
 *
 * @module
 */

import { MLP_WASM_BASE64 } from "./c/mlp_wasm.ts";
import { type ActivationName, ACTIVATIONS } from "../nn/activations.ts";
import type { OptimizerName } from "../nn/optimizers.ts";

/** The fields of a layer's record in a sequential program, as `c/program.c` names them. */
export const FIELDS = [
  "type",
  "inC",
  "inH",
  "inW",
  "outC",
  "outH",
  "outW",
  "size",
  "pad",
  "act",
  "out",
  "dout",
  "W",
  "b",
  "vW",
  "vb",
  "sW",
  "sb",
  "gW",
  "Wt",
  "argmax",
  "xpad",
  "dpad",
  "patch",
  "patchFloats",
  "drop",
  "keep",
  "index",
  "norm",
  "stats",
  "wino",
  "tiles",
] as const;

/** A field of a layer's record. */
export type Field = typeof FIELDS[number];

/** The layer kinds the program runs, by the name `kernel_cnn.ts` plans them with. */
export const LAYER_KINDS = [
  "conv",
  "maxpool",
  "dense",
  "flatten",
  "activation",
  "dropout",
  "batchnorm",
] as const;

/** A layer kind of the program. */
export type LayerKind = typeof LAYER_KINDS[number];

/** The fields of the network's header (`Net` in `c/net.c`) this side writes or reads. */
export const NET_FIELDS = [
  "layers",
  "hidden",
  "capacity",
  "sizes",
  "weights",
  "biases",
  "transposed",
  "activations",
  "deltas",
  "zeros",
  "labels",
  "indices",
  "rowCount",
  "rowIndex",
  "rowValue",
  "rowIndexOf",
  "rowValueOf",
  "dataStart",
  "dataIndex",
  "dataValue",
  "colStart",
  "colRow",
  "colValue",
  "threads",
  "go",
  "failed",
  "optimizer",
  "learningRate",
  "beta1",
  "labelSmoothing",
  "maxNorm",
  "velocityW",
  "velocityB",
  "squareW",
  "squareB",
  "dropThreshold",
  "dropKeep",
  "dropSeed",
  "program",
  "base",
] as const;

/** A field of the network's header. */
export type NetField = typeof NET_FIELDS[number];

/** Every name this side needs, by group; a build must have each. */
const NEEDED = {
  limit: [
    "maxLayers",
    "maxThreads",
    "convTile",
    "winogradGroup",
    "noActivation",
    "layerInts",
    "headerInts",
  ],
  mode: [
    "mlpClassify",
    "mlpTrainIndexed",
    "mlpTrainRows",
    "sequentialTrain",
    "sequentialClassify",
  ],
  rule: ["momentum", "nesterov", "rmsprop", "adam", "adamw"],
  layer: LAYER_KINDS,
  field: FIELDS,
  header: ["layers", "input", "labels", "zeros"],
  net: [...NET_FIELDS, "bytes"],
} as const;

type Group<G extends keyof typeof NEEDED> = Record<typeof NEEDED[G][number], number>;

/** The kernels' constants, grouped. */
export interface KernelConstants {
  /** maxLayers, maxThreads, convTile, winogradGroup, noActivation (−1), layerInts, headerInts. */
  limit: Group<"limit">;
  /** The jobs of `run_batch`. */
  mode: Group<"mode">;
  /** The update rules' codes; `sgd` is momentum with μ = 0. */
  rule: Record<OptimizerName, number>;
  /** The activations the kernels compute, and their codes: only those the build has. */
  activation: Partial<Record<ActivationName, number>>;
  layer: Group<"layer">;
  /** Each record field's position. */
  field: Group<"field">;
  /** The program header's entries' positions. */
  header: Group<"header">;
  /** Each header field's byte offset in `Net`, and its size (`bytes`): this build's own. */
  net: Group<"net">;
  /** Every constant by its full name ("limit.maxLayers"), as the build gave it. */
  all: Map<string, number>;
}

/** How a build lists its constants: how many, and each one's name and value. */
export interface ConstantSource {
  count(): number;
  name(i: number): string;
  value(i: number): number;
}

/**
 * Reads and checks a build's constants.
 *
 * @param build the build's name, for errors: "WebAssembly", "native"
 * @returns the constants, grouped
 * @throws Error naming every name this side needs that the build lacks, or an activation the
 *   library does not know
 */
export function readConstants(source: ConstantSource, build: string): KernelConstants {
  const all = new Map<string, number>();
  for (let i = 0, n = source.count(); i < n; i++) all.set(source.name(i), source.value(i));
  const missing = Object.entries(NEEDED).flatMap(([group, names]) =>
    (names as readonly string[]).map((name) => `${group}.${name}`).filter((key) => !all.has(key))
  );
  if (missing.length) {
    throw new Error(
      `Cannot load the ${build} kernels: they lack the constants ${
        missing.join(", ")
      } (rebuild them: deno task build-wasm)`,
    );
  }
  const group = (prefix: string) =>
    Object.fromEntries(
      [...all].filter(([key]) => key.startsWith(`${prefix}.`)).map((
        [key, value],
      ) => [key.slice(prefix.length + 1), value]),
    );
  const activation = group("activation");
  for (const name of Object.keys(activation)) {
    if (!(ACTIVATIONS as readonly string[]).includes(name)) {
      throw new Error(
        `Cannot load the ${build} kernels: they compute an activation "${name}" the library does not know (it has ${
          ACTIVATIONS.join(", ")
        })`,
      );
    }
  }
  const rule = group("rule") as Group<"rule">;
  return {
    limit: group("limit") as Group<"limit">,
    mode: group("mode") as Group<"mode">,
    rule: { ...rule, sgd: rule.momentum },
    activation,
    layer: group("layer") as Group<"layer">,
    field: group("field") as Group<"field">,
    header: group("header") as Group<"header">,
    net: group("net") as Group<"net">,
    all,
  };
}

/**
 * Throws unless a second build's constants are the same as {@linkcode KERNEL}'s, which the
 * TypeScript side was set up with — all but the header's layout (`net.`), which each build has
 * its own.
 *
 * @throws Error naming the first constant that differs
 */
export function checkSameConstants(constants: KernelConstants, build: string): void {
  for (const [key, value] of KERNEL.all) {
    if (key.startsWith("net.")) continue;
    const other = constants.all.get(key);
    if (other !== value) {
      throw new Error(
        `Cannot load the ${build} kernels: their constant ${key} is ${other}, the embedded WebAssembly's ${value} (rebuild it: deno task build-wasm)`,
      );
    }
  }
}

/** The embedded WebAssembly module, compiled once per process. */
export const KERNEL_MODULE = new WebAssembly.Module(Uint8Array.fromBase64(MLP_WASM_BASE64));

/** The constants of the embedded WebAssembly build, read from an instance of it at load. */
function wasmConstants(): KernelConstants {
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
  const exports = new WebAssembly.Instance(KERNEL_MODULE, { env: { memory } }).exports as {
    constant_count(): number;
    constant_name(i: number): number;
    constant_value(i: number): number;
  };
  const bytes = new Uint8Array(memory.buffer);
  return readConstants({
    count: () => exports.constant_count(),
    name: (i) => {
      const at = exports.constant_name(i);
      return new TextDecoder().decode(bytes.slice(at, bytes.indexOf(0, at)));
    },
    value: (i) => exports.constant_value(i),
  }, "WebAssembly");
}

/** The kernels' constants, from the embedded WebAssembly build. */
export const KERNEL: KernelConstants = wasmConstants();
