/**
 * The WebAssembly engine: the C kernels of `c/kernels.c` compiled to WebAssembly SIMD (128-bit
 * vectors) and embedded, on every core up to four. It runs everywhere Deno runs.
 *
 * @module
 */

import { kernelEngine } from "./kernel_engine.ts";
import { wasmBackend } from "./wasm_backend.ts";

/** The WebAssembly engine. */
export const wasmEngine = kernelEngine(
  "wasm",
  "WebAssembly SIMD (lib/engines/c/)",
  wasmBackend,
);
