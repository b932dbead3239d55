import * as lib from "./lib/mod.ts";
const [lr, mom, sched, epochs, wd] = [
  Number(Deno.args[0]),
  Number(Deno.args[1]),
  Deno.args[2] as lib.Schedule,
  Number(Deno.args[3] ?? 100),
  Number(Deno.args[4] ?? 0),
];
const data = await lib.loadDataset("mnist");
const train = lib.normalizeImages(data.train), test = lib.normalizeImages(data.test);
const net = lib.createNetwork();
await lib.train(net, train, {
  epochs,
  learningRate: lr,
  momentum: mom,
  schedule: sched,
  weightDecay: wd,
  validation: test,
  onEpoch: (r) =>
    console.log(
      r.epoch,
      r.loss.toFixed(4),
      r.trainAccuracy.toFixed(4),
      r.validationAccuracy!.toFixed(4),
      r.seconds.toFixed(1),
    ),
});
