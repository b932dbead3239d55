/**
 * The engines by name, and the one to use when none is named.
 *
 * @module
 */

import { type Engine, ENGINE_NAMES, type EngineName } from "./engine.ts";
import { referenceEngine } from "./reference.ts";
import { wasmEngine } from "./wasm.ts";

/** Every engine, by name. */
export const ENGINES: Record<EngineName, Engine> = { wasm: wasmEngine, reference: referenceEngine };

/** The engine used when none is named. */
export const DEFAULT_ENGINE: EngineName = "wasm";

/**
 * The engine called `name`.
 *
 * @returns the engine, or throws a RangeError that lists the known names
 * @example
 * ```ts
 * import { engineNamed } from "./registry.ts";
 * engineNamed("reference").describe(); // "reference TypeScript (lib/nn/) on 1 thread"
 * ```
 */
export function engineNamed(name: string = DEFAULT_ENGINE): Engine {
  if (!(ENGINE_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(
      `Unknown engine ${JSON.stringify(name)}: expected one of ${ENGINE_NAMES.join(", ")}`,
    );
  }
  return ENGINES[name as EngineName];
}

/**
 * The engine that will run `request` when `name` is asked for: that engine, or the reference one
 * when it cannot, with the reason to tell the user once.
 *
 * @returns the engine, and a notice when it is not the one asked for
 */
export function engineFor(
  name: string,
  request: Parameters<Engine["unsupported"]>[0],
): { engine: Engine; notice?: string } {
  const engine = engineNamed(name);
  const why = engine.unsupported(request);
  return why
    ? { engine: referenceEngine, notice: `${why}: this run uses the reference engine instead` }
    : { engine };
}
