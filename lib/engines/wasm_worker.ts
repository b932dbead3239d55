/**
 * A worker thread of the fast path: it instantiates the kernels on the shared memory it is sent,
 * with a stack of its own, and runs its share of every job until told to stop.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { MLP_WASM_BASE64 } from "./c/mlp_wasm.ts";

interface Start {
  memory: WebAssembly.Memory;
  net: number;
  thread: number;
  stackTop: number;
  seen: number;
}

self.onmessage = (event: MessageEvent<Start>) => {
  const { memory, net, thread, stackTop, seen } = event.data;
  const module = new WebAssembly.Module(Uint8Array.fromBase64(MLP_WASM_BASE64));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as {
    __stack_pointer: WebAssembly.Global;
    worker_loop(net: number, thread: number, seen: number): void;
    fail_threads(net: number): void;
  };
  exports.__stack_pointer.value = stackTop;
  self.postMessage("ready");
  try {
    exports.worker_loop(net, thread, seen);
  } catch {
    // A trap in this thread's share: the other threads must not wait for it at the next barrier.
    exports.fail_threads(net);
  }
  self.close();
};
