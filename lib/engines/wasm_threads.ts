/**
 * The threads of the WebAssembly engine: how many by default, and starting a Web Worker that runs
 * the kernels on the shared memory with a stack of its own (`wasm_worker.ts`).
 *
 * @module
 */

import { MAX_THREADS } from "./kernel_layout.ts";

/**
 * The thread count the fast engines use by default: every core, up to four.
 *
 * @returns the number of threads, from 1 to 4
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, navigator.hardwareConcurrency || 1));
}

/**
 * Starts one worker thread on the shared memory; resolves once it is ready.
 *
 * @returns the worker, once it has started
 */
export function startWorker(
  memory: WebAssembly.Memory,
  net: number,
  thread: number,
  stackTop: number,
  seen: number,
): Promise<Worker> {
  return new Promise<Worker>((resolve, reject) => {
    const worker = new Worker(new URL("./wasm_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = () => resolve(worker);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`A WebAssembly worker thread failed to start: ${event.message}`));
    };
    worker.postMessage({ memory, net, thread, stackTop, seen });
  });
}
