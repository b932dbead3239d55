/**
 * Choosing the engine of a run: the best one here when asked for `auto` (native, then
 * WebAssembly), the one named otherwise — and, where it cannot run something, the next one down,
 * with one line that says why.
 *
 * @module
 */

import { createNetwork } from "../nn/mlp.ts";
import { type Engine, ENGINE_NAMES, type EngineName } from "./engine.ts";
import { nativeEngine } from "./native.ts";
import { referenceEngine } from "./reference.ts";
import { wasmEngine } from "./wasm.ts";

/** The engine used when none is named. */
export const DEFAULT_ENGINE: EngineName = "auto";

/** Checks an engine's name. */
function checkName(name: string): EngineName {
  if (!(ENGINE_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(
      `Unknown engine ${JSON.stringify(name)}: expected one of ${ENGINE_NAMES.join(", ")}`,
    );
  }
  return name as EngineName;
}

/**
 * The engine that will run `request` when `name` is asked for, and a notice when it is not that
 * one: no native build here (no compiler, a failed compile), or something the C kernels lack.
 *
 * @returns the engine, and the line to tell the user once
 * @example
 * ```ts
 * import { createNetwork } from "../mod.ts";
 * import { chooseEngine } from "./registry.ts";
 * const plain = { optimizer: "sgd", momentum: 0, weightDecay: 0 } as const;
 * (await chooseEngine("reference", { network: createNetwork(), optimizer: plain })).engine.name; // "reference"
 * ```
 */
export async function chooseEngine(
  name: string = DEFAULT_ENGINE,
  request: Parameters<Engine["unsupported"]>[0],
): Promise<{ engine: Engine; notice?: string }> {
  const wanted = checkName(name);
  let engine: Engine, notice: string | undefined;
  if (wanted === "reference") engine = referenceEngine;
  else if (wanted === "wasm") engine = wasmEngine;
  else {
    try {
      engine = await nativeEngine();
    } catch (error) {
      engine = wasmEngine;
      notice = `WebAssembly: ${(error as Error).message}`;
    }
  }
  const why = engine.unsupported(request);
  if (why) {
    return {
      engine: referenceEngine,
      notice: `${why}: this run uses the reference engine instead`,
    };
  }
  return { engine, notice };
}

/**
 * What the engine asked for is, in words: "native (gcc 12.2.0, AVX-512) on 2 threads", or
 * "WebAssembly SIMD (lib/engines/c/) on 2 threads (WebAssembly: no C compiler found …)".
 *
 * @returns the engine that runs and why, in one line
 */
export async function describeEngineChoice(name: string, threads?: number): Promise<string> {
  const plain = { optimizer: "sgd", momentum: 0, weightDecay: 0 } as const;
  const { engine, notice } = await chooseEngine(name, {
    network: createNetwork({ sizes: [2, 2] }),
    optimizer: plain,
  });
  return notice ? `${engine.describe(threads)} (${notice})` : engine.describe(threads);
}
