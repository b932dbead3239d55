/**
 * An engine on the C kernels, whichever build runs them: the forward pass skips zero pixels, the
 * update (every optimizer) is fused into the backward pass, dropout uses the reference's hashed
 * masks, and the batch rows and weight rows are shared out among threads.
 *
 * @module
 */

import type { Engine } from "./engine.ts";
import { HIDDEN_CODES, MAX_LAYERS } from "./kernel_layout.ts";
import { type Backend, KernelMlp } from "./kernel_mlp.ts";
import { cnnUnsupported, KernelCnn } from "./kernel_cnn.ts";
import { defaultThreads } from "./wasm_threads.ts";
import { isSequential } from "../nn/network.ts";

/**
 * An engine whose networks run on `backend()`.
 *
 * @param what the build, in words, for `describe`: "WebAssembly SIMD (lib/engines/c/)"
 * @returns the engine
 */
export function kernelEngine(
  name: "wasm" | "native",
  what: string,
  backend: () => Backend,
): Engine {
  return {
    name,
    describe(threads = defaultThreads()) {
      return `${what} on ${threads} thread${threads === 1 ? "" : "s"}`;
    },
    unsupported({ network }) {
      if (isSequential(network)) {
        const why = cnnUnsupported(network);
        return why && `the C kernels cannot run this network: ${why}`;
      }
      const why = [];
      if (!(network.hidden in HIDDEN_CODES)) why.push(`the ${network.hidden} activation`);
      if (network.sizes.length - 1 > MAX_LAYERS) why.push(`more than ${MAX_LAYERS} layers`);
      return why.length
        ? `the C kernels do not have ${
          why.join(", ")
        } (they have sigmoid, ReLU and tanh, dropout, every optimizer, up to ${MAX_LAYERS} layers)`
        : undefined;
    },
    async train(request) {
      const { network, images, batchSize, optimizer, threads, dropout, seed = 695 } = request;
      const labelSmoothing = request.labelSmoothing ?? 0, maxNorm = request.maxNorm ?? 0;
      if (isSequential(network)) {
        const cnn = await KernelCnn.create(backend(), network, batchSize, {
          threads,
          optimizer: optimizer.optimizer,
          seed,
        });
        const momentum = optimizer.optimizer === "sgd" ? 0 : optimizer.momentum;
        return {
          step: (indices, labels, learningRate, x) =>
            cnn.train(images, indices, labels, {
              ...optimizer,
              learningRate,
              momentum,
              labelSmoothing,
              maxNorm,
            }, x),
          store: (target) => cnn.store(target),
          predict: (images) => cnn.predict(images),
          close: () => cnn.close(),
        };
      }
      const mlp = await KernelMlp.create(backend(), network, batchSize, {
        images,
        threads,
        optimizer: optimizer.optimizer,
        dropout: dropout ? { rates: dropout, seed } : undefined,
      });
      // Plain descent is momentum with μ = 0: v = −η∇, θ ← θ + v, the same numbers.
      const momentum = optimizer.optimizer === "sgd" ? 0 : optimizer.momentum;
      return {
        step: (indices, labels, learningRate, x) => {
          const update = { ...optimizer, learningRate, momentum, labelSmoothing, maxNorm };
          return x ? mlp.trainRows(x, labels, update) : mlp.trainBatch(indices, labels, update);
        },
        store: (target) => mlp.store(target),
        predict: (images) => mlp.predict(images),
        close: () => mlp.close(),
      };
    },
    async classify(network, images, threads) {
      // Chunks of images small enough that a chunk's activations stay in cache from one layer to
      // the next (and its memory is quick to set up): 64 images for a convolutional network, 128
      // rows for an MLP, measured fastest (the `cnn` network's 10,000 test images in 1.5 s where
      // chunks of 256 took 1.8 s; the assignment MLP's in 14 ms where 1,024 rows took 19 ms).
      if (isSequential(network)) {
        const cnn = await KernelCnn.create(
          backend(),
          network,
          Math.min(64, Math.max(1, images.rows)),
          {
            threads,
          },
        );
        try {
          return cnn.predict(images);
        } finally {
          cnn.close();
        }
      }
      const rows = Math.min(128, Math.max(1, images.rows));
      const mlp = await KernelMlp.create(backend(), network, rows, { threads });
      try {
        return mlp.predict(images);
      } finally {
        mlp.close();
      }
    },
  };
}
