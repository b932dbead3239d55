import * as lib from "./lib/mod.ts";
import { FastMlp } from "./lib/fast/fast_mlp.ts";
const data = await lib.loadDataset("mnist");
const train = lib.normalizeImages(data.train), test = lib.normalizeImages(data.test);
const net = lib.createNetwork();
// agreement of forward
const fast = new FastMlp(net, 128, train.images);
const p1 = fast.predict(test.images), p2 = lib.predictProbabilities(net, test.images);
let md = 0;
for (let i = 0; i < p1.data.length; i++) md = Math.max(md, Math.abs(p1.data[i] - p2.data[i]));
console.log("forward max diff", md);
// one batch step agreement
const idx = new Uint32Array([...Array(128).keys()]);
const labels = train.labels.slice(0, 128);
const ref = lib.cloneNetwork(net);
const g = lib.backprop(ref, lib.takeRows(train.images, idx), labels);
lib.gradientDescentStep(ref, g, 0.5);
fast.trainBatch(idx, labels, { learningRate: 0.5, momentum: 0, weightDecay: 0 });
const out = lib.cloneNetwork(net);
fast.store(out);
for (let l = 0; l < 3; l++) {
  let d = 0;
  for (let i = 0; i < out.weights[l].data.length; i++) {
    d = Math.max(d, Math.abs(out.weights[l].data[i] - ref.weights[l].data[i]));
  }
  let db = 0;
  for (let i = 0; i < out.biases[l].length; i++) {
    db = Math.max(db, Math.abs(out.biases[l][i] - ref.biases[l][i]));
  }
  console.log("layer", l, "max weight diff", d, "bias diff", db);
}
// speed: one epoch
const order = new lib.Random(1).permutation(60000);
const yb = new Uint8Array(128);
const t = performance.now();
for (let s = 0; s + 128 <= 60000; s += 128) {
  const ix = order.subarray(s, s + 128);
  for (let i = 0; i < 128; i++) yb[i] = train.labels[ix[i]];
  fast.trainBatch(ix, yb, { learningRate: 0.1, momentum: 0.9, weightDecay: 0 });
}
console.log("epoch s", (performance.now() - t) / 1000);
const t2 = performance.now();
const p = fast.predict(test.images);
console.log("predict s", (performance.now() - t2) / 1000, lib.accuracy(p, test.labels));
