import * as lib from "./lib/mod.ts";
import { FastMlp } from "./lib/fast/fast_mlp.ts";
const data = await lib.loadDataset("mnist");
const train = lib.normalizeImages(data.train);
for (const threads of [1, 2]) {
  const net = lib.createNetwork();
  const engine = await FastMlp.create(net, 128, { images: train.images, threads });
  const order = new lib.Random(1).permutation(60000);
  const labels = new Uint8Array(128);
  for (let e = 0; e < 3; e++) {
    const t = performance.now();
    for (let s = 0; s + 128 <= 60000; s += 128) {
      const ix = order.subarray(s, s + 128);
      for (let i = 0; i < 128; i++) labels[i] = train.labels[ix[i]];
      engine.trainBatch(ix, labels, { learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 });
    }
    console.log(
      "threads",
      threads,
      "engine-only epoch",
      ((performance.now() - t) / 1000).toFixed(3),
    );
  }
  engine.close();
}
