import { assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { decodeIdx, type IdxArray, readIdx, readIdxFile } from "../lib/mod.ts";
import { encodeIdx } from "./idx_fixtures.ts";
import { gzip } from "./gzip.ts";

const samples: IdxArray[] = [
  { type: "ubyte", dims: [2, 3], data: new Uint8Array([0, 1, 2, 253, 254, 255]) },
  { type: "byte", dims: [4], data: new Int8Array([-128, -1, 0, 127]) },
  { type: "short", dims: [2, 2], data: new Int16Array([-32768, -2, 1, 32767]) },
  { type: "int", dims: [3], data: new Int32Array([-2147483648, 7, 2147483647]) },
  { type: "float", dims: [1, 2, 2], data: new Float32Array([-1.5, 0, 3.25, 1e-20]) },
  { type: "double", dims: [2], data: new Float64Array([Math.PI, -1e300]) },
];

Deno.test("decodeIdx() reads every element type, big-endian, in any number of dimensions", async (t) => {
  for (const sample of samples) {
    await t.step(`${sample.type} ${sample.dims.join("×")}`, () => {
      const decoded = decodeIdx(encodeIdx(sample));
      assertEquals(decoded.type, sample.type);
      assertEquals(decoded.dims, sample.dims);
      assertEquals(decoded.data, sample.data);
    });
  }
  await t.step("big-endian on the wire", () => {
    const bytes = encodeIdx({ type: "short", dims: [1], data: new Int16Array([0x0102]) });
    assertEquals([...bytes], [0, 0, 0x0b, 1, 0, 0, 0, 1, 0x01, 0x02]);
  });
});

Deno.test("readIdx() reads gzipped and raw bytes alike", async (t) => {
  for (const sample of samples) {
    await t.step(sample.type, async () => {
      const raw = encodeIdx(sample);
      assertEquals((await readIdx(raw)).data, sample.data);
      assertEquals((await readIdx(await gzip(raw))).data, sample.data);
    });
  }
});

Deno.test("decodeIdx() rejects malformed input before allocating", async (t) => {
  const good = encodeIdx({ type: "ubyte", dims: [2, 2], data: new Uint8Array(4) });
  const cases: [string, Uint8Array, string][] = [
    [
      "too short for a magic number",
      new Uint8Array([0, 0]),
      "expected a 4-byte magic number, found 2 bytes",
    ],
    [
      "magic without two zero bytes",
      new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]),
      "expected a magic number starting with two zero bytes, found 01 00",
    ],
    [
      "unknown type code",
      new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]),
      "expected a type code of 08, 09, 0b, 0c, 0d or 0e, found type code 0a",
    ],
    [
      "no dimensions",
      new Uint8Array([0, 0, 8, 0]),
      "expected at least one dimension, found 0 dimensions",
    ],
    [
      "incomplete header",
      new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]),
      "expected a header of 16 bytes for 3 dimensions, found 10 bytes",
    ],
    [
      "payload one byte short",
      good.subarray(0, good.length - 1),
      "expected 4 bytes of ubyte data for dimensions 2×2, found 3 bytes",
    ],
    [
      "payload one byte long",
      new Uint8Array([...good, 9]),
      "expected 4 bytes of ubyte data for dimensions 2×2, found 5 bytes",
    ],
    [
      "a header that claims 2^31 images",
      new Uint8Array([0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]),
      "expected 1683627180032 bytes of ubyte data for dimensions 2147483648×28×28, found 3 bytes",
    ],
    [
      "payload not a whole number of elements",
      new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 0, 1]),
      "expected 4 bytes of int data for dimensions 1, found 3 bytes",
    ],
  ];
  for (const [name, bytes, message] of cases) {
    await t.step(name, () => {
      assertThrows(
        () => decodeIdx(bytes, "file 'x.idx'"),
        SyntaxError,
        `Cannot read IDX file 'x.idx': ${message}`,
      );
    });
  }
});

Deno.test("readIdxFile() names the file in its errors", async (t) => {
  const folder = await Deno.makeTempDir();
  try {
    await t.step("a truncated raw file", async () => {
      const path = `${folder}/labels-idx1-ubyte`;
      await Deno.writeFile(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]));
      await assertRejects(
        () => readIdxFile(path),
        SyntaxError,
        `Cannot read IDX file '${path}': expected 5 bytes of ubyte data for dimensions 5, found 2 bytes`,
      );
    });
    await t.step("a truncated gzip file", async () => {
      const path = `${folder}/images.gz`;
      const zipped = await gzip(encodeIdx(samples[0]));
      await Deno.writeFile(path, zipped.subarray(0, zipped.length - 6));
      await assertRejects(() => readIdxFile(path), SyntaxError, `Cannot decompress file '${path}'`);
    });
    await t.step("a good file reads", async () => {
      const path = `${folder}/good.gz`;
      await Deno.writeFile(path, await gzip(encodeIdx(samples[2])));
      assertEquals((await readIdxFile(path)).data, samples[2].data);
    });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("readIdx() refuses a gzip stream whose header declares more than the idxBytes limit, before inflating it", async () => {
  // A header for 2^30 bytes, then 64 MiB of zeros: about 64 KiB once gzipped.
  const bomb = new Uint8Array(64 * 2 ** 20);
  bomb.set(encodeIdx({ type: "ubyte", dims: [1], data: new Uint8Array(1) }));
  new DataView(bomb.buffer).setUint32(4, 2 ** 30);
  const zipped = await gzip(bomb);
  const started = performance.now();
  await assertRejects(
    () => readIdx(zipped, "file 'big.gz'"),
    SyntaxError,
    "Cannot read IDX file 'big.gz': expected an IDX file within the limit (dimensions 1073741824), found 1.0 GiB, more than the limit of 512.0 MiB (set MNIST_MAX_IDX_BYTES to raise it)",
  );
  const seconds = (performance.now() - started) / 1000;
  if (seconds > 1) throw new Error(`it took ${seconds} s: the stream was inflated first`);
});
