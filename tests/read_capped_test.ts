/**
 * Files from outside are read only when they are regular files within their limit: a FIFO, a
 * device or a folder is refused before it is opened, a large file before it is read, and the
 * limit's message names the variable that raises it.
 */
import { assertEquals, assertRejects } from "./assert.ts";
import { limitOf } from "../lib/data/limits.ts";
import { readCapped } from "../lib/data/read_capped.ts";
import { readImageFile } from "../lib/data/image_file.ts";
import { loadModel } from "../lib/eval/model_file.ts";
import { readIdxFile } from "../lib/data/idx.ts";
import { toolArgs, withEnv } from "./env.ts";

Deno.test("readCapped() reads a regular file within its limit, and refuses the rest before reading", async (t) => {
  const folder = await Deno.makeTempDir();
  try {
    const path = `${folder}/small.bin`;
    await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
    await t.step("a small regular file", async () => {
      assertEquals([...await readCapped(path, "pictureBytes")], [1, 2, 3]);
    });
    await t.step("a file past its limit, named with the variable that raises it", async () => {
      await withEnv("MNIST_MAX_PICTURE_BYTES", "2", async () => {
        assertEquals(limitOf("pictureBytes"), 2);
        await assertRejects(
          () => readCapped(path, "pictureBytes"),
          Error,
          `Cannot read '${path}': it is 3 bytes, more than the limit of 2 bytes (set MNIST_MAX_PICTURE_BYTES to raise it)`,
        );
      });
    });
    await t.step("a model file past its limit is refused before it is parsed", async () => {
      const model = `${folder}/model.json`;
      await Deno.writeTextFile(model, "x".repeat(500));
      await withEnv("MNIST_MAX_MODEL_BYTES", "100", async () => {
        await assertRejects(
          () => loadModel(model),
          Error,
          `Cannot load model '${model}': it is 500 bytes, more than the limit of 100 bytes (set MNIST_MAX_MODEL_BYTES to raise it)`,
        );
      });
    });
    await t.step("deno task classify given a FIFO as its model ends at once", async () => {
      const fifo = `${folder}/model-fifo`;
      await new Deno.Command("mkfifo", { args: [fifo] }).output();
      const child = new Deno.Command(Deno.execPath(), {
        args: toolArgs("classify", "--model", fifo, fifo),
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const timer = setTimeout(() => child.kill(), 20_000);
      const { code, stderr } = await child.output();
      clearTimeout(timer);
      assertEquals(code, 1);
      const message = new TextDecoder().decode(stderr);
      assertEquals(message.includes("expected a regular file"), true, message);
    });
    await t.step("a FIFO is refused, not waited on", async () => {
      const fifo = `${folder}/fifo`;
      const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assertEquals(made.code, 0);
      for (const read of [readImageFile, loadModel, readIdxFile]) {
        await assertRejects(
          () => read(fifo),
          Error,
          "expected a regular file, found a device, a pipe or a socket",
        );
      }
    });
    await t.step("/dev/zero is refused, not read until memory runs out", async () => {
      for (const read of [readImageFile, loadModel, readIdxFile]) {
        await assertRejects(() => read("/dev/zero"), Error, "expected a regular file");
      }
    });
    await t.step("a folder and a missing file", async () => {
      await assertRejects(() => readImageFile(folder), Error, "it is a folder");
      await assertRejects(() => readImageFile(`${folder}/none.png`), Error, "no such file");
    });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
