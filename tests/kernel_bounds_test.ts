/**
 * The fast engines never read or write outside their arrays, whatever they are given: a network
 * whose parts disagree, a batch larger than the layout, rows of the wrong width or training rows
 * that do not exist are refused with a RangeError before the kernels run.
 */
import { assertRejects, assertThrows } from "./assert.ts";
import { createNetwork, createSequential, matrix } from "../lib/mod.ts";
import { wasmBackend } from "../lib/engines/wasm_backend.ts";
import { KernelMlp } from "../lib/engines/kernel_mlp.ts";
import { KernelCnn } from "../lib/engines/kernel_cnn.ts";

const update = { learningRate: 0.1, momentum: 0, weightDecay: 0 };

Deno.test("KernelMlp refuses a damaged network and batches that do not fit its arrays", async () => {
  const network = createNetwork({ sizes: [784, 4, 10] });
  await assertRejects(
    () => KernelMlp.create(wasmBackend(), { ...network, sizes: [784, 5, 10] }, 4),
    RangeError,
    "Cannot use the WebAssembly engine: the network is damaged: expected the weights of layer 1 to be 784×5",
  );
  const images = matrix(6, 784);
  const mlp = await KernelMlp.create(wasmBackend(), network, 4, { images, threads: 1 });
  try {
    assertThrows(
      () => mlp.trainBatch(new Uint32Array(5), new Uint8Array(5), update),
      RangeError,
      "Cannot run the WebAssembly engine: expected a batch of at most 4 rows, found 5",
    );
    assertThrows(
      () => mlp.trainBatch(Uint32Array.of(0, 6), new Uint8Array(2), update),
      RangeError,
      "expected 2 labels and training rows below 6, found 2 labels and row 6",
    );
    assertThrows(
      () => mlp.trainRows(matrix(2, 100), new Uint8Array(2), update),
      RangeError,
      "expected rows of 784 values, found 100",
    );
    assertThrows(() => mlp.predict(matrix(3, 783)), RangeError, "expected rows of 784 values");
  } finally {
    mlp.close();
  }
});

Deno.test("KernelCnn refuses a damaged network and batches that do not fit its arrays", async () => {
  const network = createSequential({ layers: "conv(2,3) relu maxpool(2) flatten", seed: 1 });
  await assertRejects(
    () => KernelCnn.create(wasmBackend(), { ...network, sizes: [100, 1568, 10] }, 4),
    RangeError,
    "Cannot use the WebAssembly engine: the network is damaged: expected sizes 784-1568-10",
  );
  const cnn = await KernelCnn.create(wasmBackend(), network, 4, { threads: 1 });
  try {
    const images = matrix(6, 784);
    assertThrows(
      () => cnn.train(images, new Uint32Array(5), new Uint8Array(5), update),
      RangeError,
      "expected a batch of at most 4 rows, found 5",
    );
    assertThrows(
      () => cnn.train(images, Uint32Array.of(1, 9), new Uint8Array(2), update),
      RangeError,
      "expected training rows below 6, found row 9",
    );
    assertThrows(() => cnn.predict(matrix(2, 100)), RangeError, "expected rows of 784 values");
  } finally {
    cnn.close();
  }
});
