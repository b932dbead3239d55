/**
 * The WebAssembly engine: the C kernels of `c/mlp.c` compiled to WebAssembly SIMD and embedded,
 * on every core (up to four). The forward pass skips zero pixels, and the update is fused into the
 * backward pass, so it runs plain gradient descent and momentum, with weight decay.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { defaultThreads, FastMlp } from "./wasm_mlp.ts";

/** The WebAssembly engine. */
export const wasmEngine: Engine = {
  name: "wasm",
  describe(threads = defaultThreads()) {
    return `WebAssembly SIMD (lib/engines/c/mlp.c) on ${threads} thread${threads === 1 ? "" : "s"}`;
  },
  async train({ network, images, batchSize, optimizer, threads }) {
    const engine = await FastMlp.create(network, batchSize, { images, threads });
    // Plain descent is momentum with μ = 0: v = −η∇, θ ← θ + v, the same numbers.
    const momentum = optimizer.optimizer === "momentum" ? optimizer.momentum : 0;
    return {
      step: (indices, labels, learningRate) =>
        engine.trainBatch(indices, labels, {
          learningRate,
          momentum,
          weightDecay: optimizer.weightDecay,
        }),
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
