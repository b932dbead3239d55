/**
 * The kernels compiled to WebAssembly SIMD and embedded (`c/mlp_wasm.ts`): one instance on a
 * shared memory, and Web Workers (`wasm_worker.ts`) that run their share of every batch.
 *
 * @module
 */

import { KERNEL, KERNEL_MODULE } from "./kernel_constants.ts";
import { wasmMemory } from "./kernel_layout.ts";
import type { Backend, Kernels } from "./kernel_mlp.ts";
import { startWorker } from "./wasm_threads.ts";

/**
 * A WebAssembly backend: a fresh instance on a fresh shared memory for each network.
 *
 * @returns the backend
 */
export function wasmBackend(): Backend {
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
  const exports = new WebAssembly.Instance(KERNEL_MODULE, { env: { memory } }).exports;
  const kernels = exports as unknown as Kernels & { stop_workers(net: number): void };
  return {
    name: "WebAssembly",
    kernels,
    constants: KERNEL,
    memory: () => wasmMemory(memory, Number((exports.__heap_base as WebAssembly.Global).value)),
    async startThreads(layout) {
      const go = Atomics.load(
        new Int32Array(layout.buffer, layout.net + KERNEL.net.go, 1),
        0,
      );
      const workers = await Promise.all(
        layout.stackTops.map((top, i) => startWorker(memory, layout.net, i + 1, top, go)),
      );
      return () => {
        if (workers.length) kernels.stop_workers(layout.net);
        for (const worker of workers) worker.terminate();
      };
    },
  };
}
