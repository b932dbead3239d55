/**
 * A WebAssembly worker thread that traps becomes an Error of the engine, not a wait: its share
 * fails, it tells the other threads (`fail_threads`), they stop waiting for it at the barriers,
 * and the caller's batch throws. Here the threads' own arrays are pointed past the end of memory.
 */
import { assert, assertThrows } from "./assert.ts";
import { createNetwork, matrix } from "../lib/mod.ts";
import { wasmBackend } from "../lib/engines/wasm_backend.ts";
import { KernelMlp } from "../lib/engines/kernel_mlp.ts";

/**
 * A two-thread MLP session whose threads `trapping` (0 is the caller, 1 the worker) have their
 * columns of the inputs pointed past the end of memory, which traps on first use.
 */
async function trappingSession(trapping: number[]) {
  const real = wasmBackend();
  const backend = {
    ...real,
    async startThreads(...args: Parameters<typeof real.startThreads>) {
      const stop = await real.startThreads(...args);
      const [layout] = args;
      const header = new DataView(layout.buffer, layout.net);
      for (const field of ["colStart", "colRow", "colValue"] as const) {
        const at = real.constants.net[field];
        for (const t of trapping) header.setUint32(at + 4 * t, 0xfffff000, true);
      }
      return stop;
    },
  };
  const images = matrix(8, 784, new Float32Array(8 * 784).fill(0.5));
  return await KernelMlp.create(backend, createNetwork({ sizes: [784, 4, 10] }), 8, {
    images,
    threads: 2,
  });
}

/** One training batch of the eight images. */
function trainBatch(mlp: KernelMlp) {
  mlp.trainBatch(Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 7), new Uint8Array(8), {
    learningRate: 0.1,
    momentum: 0,
    weightDecay: 0,
  });
}

Deno.test("a trapped WebAssembly worker makes the batch throw, instead of hanging", async () => {
  const mlp = await trappingSession([1]);
  try {
    const started = performance.now();
    assertThrows(
      () => trainBatch(mlp),
      Error,
      "Cannot run the WebAssembly engine: one of its worker threads failed (a trap in the kernels)",
    );
    assert(performance.now() - started < 5000, "it did not wait");
  } finally {
    mlp.close();
  }
});

Deno.test("a trap on the calling thread becomes an Error naming the engine", async () => {
  const mlp = await trappingSession([0, 1]);
  try {
    assertThrows(
      () => trainBatch(mlp),
      Error,
      "Cannot run the WebAssembly engine: its kernels trapped (memory access out of bounds)",
    );
  } finally {
    mlp.close();
  }
});
