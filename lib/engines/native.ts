/**
 * The native engine: the same C kernels compiled for this machine on first use, with its widest
 * vector instructions and POSIX threads, loaded with `Deno.dlopen`. Needs a C compiler (and the
 * `--allow-ffi` permission); where there is none, runs fall back to the WebAssembly engine.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { kernelEngine } from "./kernel_engine.ts";
import { describeNative, loadNative, nativeBackend } from "./native_backend.ts";

/**
 * The native engine, once its library is built and loaded.
 *
 * @returns the engine
 * @throws Error saying why there is no native engine here
 */
export async function nativeEngine(): Promise<Engine> {
  const library = await loadNative();
  return kernelEngine(
    "native",
    `native (${describeNative(library)})`,
    () => nativeBackend(library),
  );
}
