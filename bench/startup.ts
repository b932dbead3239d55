// Measured by bench/bench.ts in a fresh process: import the library and load MNIST from the cache.
const started = performance.now();
const lib = await import("../lib/mod.ts");
const imported = performance.now();
const data = await lib.loadDataset("mnist");
const loaded = performance.now();
console.log(
  JSON.stringify({
    importMs: imported - started,
    loadMs: loaded - imported,
    images: data.train.count,
  }),
);
