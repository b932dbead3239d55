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

/** The update rules the kernels fuse into the backward pass. */
const FUSED_OPTIMIZERS = ["sgd", "momentum"];

/** The WebAssembly engine. */
export const wasmEngine: Engine = {
  name: "wasm",
  describe(threads = defaultThreads()) {
    return `WebAssembly SIMD (lib/engines/c/mlp.c) on ${threads} thread${threads === 1 ? "" : "s"}`;
  },
  unsupported({ network, optimizer, dropout }) {
    const why = [];
    if (!(network.hidden in HIDDEN_CODES)) why.push(`the ${network.hidden} activation`);
    if (!FUSED_OPTIMIZERS.includes(optimizer.optimizer)) {
      why.push(`the ${optimizer.optimizer} optimizer`);
    }
    if (dropout?.some((rate) => rate > 0)) why.push("dropout");
    if (network.sizes.length - 1 > MAX_LAYERS) why.push(`more than ${MAX_LAYERS} layers`);
    return why.length
      ? `the WebAssembly kernels do not have ${
        why.join(", ")
      } (they have sigmoid, ReLU and tanh, plain descent and momentum, up to ${MAX_LAYERS} layers)`
      : undefined;
  },
  async train({ network, images, batchSize, optimizer, threads }) {
    const engine = await FastMlp.create(network, batchSize, { images, threads });
    // Plain descent is momentum with μ = 0: v = −η∇, θ ← θ + v, the same numbers.
    const momentum = optimizer.optimizer === "momentum" ? optimizer.momentum : 0;
    return {
      step: (indices, labels, learningRate, x) => {
        const update = { learningRate, momentum, weightDecay: optimizer.weightDecay };
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
