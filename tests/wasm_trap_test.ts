/**
 * A WebAssembly worker thread that traps becomes an Error of the engine, not a wait: its share
 * fails, it tells the other threads (`fail_threads`), they stop waiting for it at the barriers,
 * and the caller's batch throws. Here thread 1's own arrays are pointed past the end of memory.
 */
import { assert, assertThrows } from "./assert.ts";
import { createNetwork, matrix } from "../lib/mod.ts";
import { wasmBackend } from "../lib/engines/wasm_backend.ts";
import { KernelMlp } from "../lib/engines/kernel_mlp.ts";

Deno.test("a trapped WebAssembly worker makes the batch throw, instead of hanging", async () => {
  const real = wasmBackend();
  const backend = {
    ...real,
    async startThreads(...args: Parameters<typeof real.startThreads>) {
      const stop = await real.startThreads(...args);
      // Thread 1's columns of the inputs: pointers past the end of memory, which trap on use.
      const [layout] = args;
      const header = new DataView(layout.buffer, layout.net);
      for (const field of ["colStart", "colRow", "colValue"]) {
        const at = Number((real.kernels[`offset_${field}`] as () => number)());
        header.setUint32(at + 4, 0xfffff000, true);
      }
      return stop;
    },
  };
  const images = matrix(8, 784, new Float32Array(8 * 784).fill(0.5));
  const mlp = await KernelMlp.create(backend, createNetwork({ sizes: [784, 4, 10] }), 8, {
    images,
    threads: 2,
  });
  try {
    const started = performance.now();
    assertThrows(
      () =>
        mlp.trainBatch(Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 7), new Uint8Array(8), {
          learningRate: 0.1,
          momentum: 0,
          weightDecay: 0,
        }),
      Error,
      "Cannot run the WebAssembly engine: one of its worker threads failed (a trap in the kernels)",
    );
    assert(performance.now() - started < 5000, "it did not wait");
  } finally {
    mlp.close();
  }
});

Deno.test("a trap on the calling thread becomes an Error naming the engine", async () => {
  const real = wasmBackend();
  const backend = {
    ...real,
    async startThreads(...args: Parameters<typeof real.startThreads>) {
      const stop = await real.startThreads(...args);
      // Every thread's columns point past the end of memory: the caller's share traps too.
      const [layout] = args;
      const header = new DataView(layout.buffer, layout.net);
      for (const field of ["colStart", "colRow", "colValue"]) {
        const at = Number((real.kernels[`offset_${field}`] as () => number)());
        for (const t of [0, 1]) header.setUint32(at + 4 * t, 0xfffff000, true);
      }
      return stop;
    },
  };
  const images = matrix(8, 784, new Float32Array(8 * 784).fill(0.5));
  const mlp = await KernelMlp.create(backend, createNetwork({ sizes: [784, 4, 10] }), 8, {
    images,
    threads: 2,
  });
  try {
    assertThrows(
      () =>
        mlp.trainBatch(Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 7), new Uint8Array(8), {
          learningRate: 0.1,
          momentum: 0,
          weightDecay: 0,
        }),
      Error,
      "Cannot run the WebAssembly engine: its kernels trapped (memory access out of bounds)",
    );
  } finally {
    mlp.close();
  }
});
