/**
 * The WebAssembly engine: the C kernels of `c/mlp.c` compiled to WebAssembly SIMD and embedded,
 * on every core (up to four). The forward pass skips zero pixels, and the update is fused into the
 * backward pass, so it runs plain gradient descent and momentum, with weight decay.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { HIDDEN_CODES, MAX_LAYERS } from "./wasm_layout.ts";
import { defaultThreads, FastMlp } from "./wasm_mlp.ts";

/** The WebAssembly engine. */
export const wasmEngine: Engine = {
  name: "wasm",
  describe(threads = defaultThreads()) {
    return `WebAssembly SIMD (lib/engines/c/mlp.c) on ${threads} thread${threads === 1 ? "" : "s"}`;
  },
  unsupported({ network }) {
    const why = [];
    if (!(network.hidden in HIDDEN_CODES)) why.push(`the ${network.hidden} activation`);

    if (network.sizes.length - 1 > MAX_LAYERS) why.push(`more than ${MAX_LAYERS} layers`);
    return why.length
      ? `the WebAssembly kernels do not have ${
        why.join(", ")
      } (they have sigmoid, ReLU and tanh, dropout of hidden layers, every optimizer, up to ${MAX_LAYERS} layers)`
      : undefined;
  },
  async train({ network, images, batchSize, optimizer, threads, dropout, seed = 695 }) {
    const engine = await FastMlp.create(network, batchSize, {
      images,
      threads,
      optimizer: optimizer.optimizer,
      dropout: dropout ? { rates: dropout, seed } : undefined,
    });
    // Plain descent is momentum with μ = 0: v = −η∇, θ ← θ + v, the same numbers.
    const momentum = optimizer.optimizer === "sgd" ? 0 : optimizer.momentum;
    return {
      step: (indices, labels, learningRate, x) => {
        const update = { ...optimizer, learningRate, momentum };
        return x ? engine.trainRows(x, labels, update) : engine.trainBatch(indices, labels, update);
      },
      store: (target) => engine.store(target),
      predict: (images) => engine.predict(images),
      close: () => engine.close(),
    };
  },
  async classify(network, images, threads) {
    const engine = await FastMlp.create(network, Math.min(1024, Math.max(1, images.rows)), {
      threads,
    });
    try {
      return engine.predict(images);
    } finally {
      engine.close();
    }
  },
};
