import * as lib from "./lib/mod.ts";
const data = await lib.loadDataset("mnist");
const train = lib.normalizeImages(data.train);
for (const threads of [1, 2]) {
  const net = lib.createNetwork();
  const { history } = await lib.train(net, train, {
    epochs: 3,
    learningRate: 0.1,
    momentum: 0.9,
    weightDecay: 1e-4,
    threads,
  });
  console.log("threads", threads, history.map((h) => h.seconds.toFixed(3)));
}
