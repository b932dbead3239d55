/**
 * Your own digits: MNIST's preprocessing brings a rescaled, shifted, inverted test digit back to
 * itself; PNG and JPEG files decode, and bad files are named; `deno task classify` prints one line
 * per file and sets its exit code.
 */
import { toolArgs } from "./env.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { Buffer } from "node:buffer";
import { PNG } from "pngjs";
import jpeg from "jpeg-js";
import {
  createNetwork,
  imageOf,
  loadDataset,
  normalizeImages,
  Random,
  resolveSettings,
  saveCommittee,
  saveModel,
} from "../lib/mod.ts";
import { decodeImage } from "../lib/data/image_file.ts";
import { greyFromRgba, mnistStyle, resizeByArea } from "../lib/data/own_digit.ts";

const test = normalizeImages((await loadDataset("mnist")).test);

/** Test digit i, three times larger, dark on light, at an offset in a wider page, as RGBA bytes. */
function page(i: number, width = 150, height = 120, left = 31, top = 17) {
  const big = resizeByArea({ width: 28, height: 28, pixels: imageOf(test, i) }, 84, 84);
  const rgba = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < 84; y++) {
    for (let x = 0; x < 84; x++) {
      const v = Math.round(255 * (1 - big.pixels[y * 84 + x]));
      rgba.set([v, v, v, 255], 4 * ((top + y) * width + left + x));
    }
  }
  return { rgba, width, height };
}

Deno.test("a test digit rescaled, shifted and inverted comes back as itself", () => {
  for (let i = 0; i < 20; i++) {
    const { rgba, width, height } = page(i, 150 + i, 120, 20 + 2 * i, 10 + i);
    const steps = mnistStyle(greyFromRgba(rgba, width, height));
    assert(steps.inverted, "dark ink on light paper is inverted");
    assertEquals(Math.max(steps.scaled.width, steps.scaled.height), 20);
    const original = imageOf(test, i);
    const distance = steps.digit.reduce((sum, v, j) => sum + Math.abs(v - original[j]), 0) / 784;
    assert(distance < 0.01, `digit ${i}: mean pixel distance ${distance}`);
  }
});

Deno.test("light ink on dark stays as it is, and transparency is paper", () => {
  const original = imageOf(test, 3);
  const rgba = new Uint8Array(28 * 28 * 4);
  original.forEach((v, j) => rgba.set([255 * v, 255 * v, 255 * v, 255], 4 * j));
  const steps = mnistStyle(greyFromRgba(rgba, 28, 28));
  assertEquals(steps.inverted, false);
  // A black stroke on a transparent canvas: the transparent part reads as white paper.
  const drawn = new Uint8Array(40 * 40 * 4);
  for (let y = 5; y < 35; y++) drawn.set([0, 0, 0, 255], 4 * (y * 40 + 20));
  assertEquals(mnistStyle(greyFromRgba(drawn, 40, 40)).inverted, true);
  assertThrows(
    () => mnistStyle(greyFromRgba(new Uint8Array(16 * 4).fill(255), 4, 4)),
    RangeError,
    "the image holds no ink",
  );
});

Deno.test("PNG and JPEG files decode to the same digit; a bad file is named and explained", () => {
  const { rgba, width, height } = page(0);
  const png = new PNG({ width, height });
  png.data.set(rgba);
  const fromPng = mnistStyle(decodeImage(new Uint8Array(PNG.sync.write(png)), "'a.png'")).digit;
  const jpg = jpeg.encode({ data: rgba, width, height }, 90).data;
  const fromJpeg = mnistStyle(decodeImage(new Uint8Array(jpg), "'a.jpg'")).digit;
  const distance = fromPng.reduce((sum, v, j) => sum + Math.abs(v - fromJpeg[j]), 0) / 784;
  assert(distance < 0.03, `PNG and JPEG differ by ${distance} per pixel`);
  assertThrows(
    () => decodeImage(new Uint8Array(0), "'e.png'"),
    Error,
    "Cannot read 'e.png': the file is empty",
  );
  assertThrows(
    () => decodeImage(new TextEncoder().encode("hello"), "'t.png'"),
    Error,
    "expected a PNG or JPEG image, found a file starting with bytes 68 65 6c 6c",
  );
  const cut = Buffer.from(PNG.sync.write(png)).subarray(0, 60);
  assertThrows(
    () => decodeImage(new Uint8Array(cut), "'cut.png'"),
    Error,
    "Cannot read 'cut.png': the PNG data is damaged",
  );
});

Deno.test("deno task classify prints one line per file and exits 1 when one cannot be read", async () => {
  const folder = await Deno.makeTempDir();
  try {
    const model = `${folder}/model.json`;
    await saveModel(model, {
      network: createNetwork({ seed: 1 }),
      settings: resolveSettings("assignment", { seed: 1 }),
      history: [],
    });
    const { rgba, width, height } = page(1);
    const png = new PNG({ width, height });
    png.data.set(rgba);
    await Deno.writeFile(`${folder}/two.png`, PNG.sync.write(png));
    await Deno.writeTextFile(`${folder}/notes.png`, "not an image");
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: toolArgs("classify", ...args),
        stdout: "piped",
        stderr: "piped",
      }).output();
    const good = await run(["--model", model, `${folder}/two.png`]);
    assertEquals(good.code, 0);
    const line = new TextDecoder().decode(good.stdout).trim();
    assert(/two\.png: predicted \d \(\d+\.\d%\), runner-up \d \(\d+\.\d%\)$/.test(line), line);
    const bad = await run(["--model", model, `${folder}/two.png`, `${folder}/notes.png`]);
    assertEquals(bad.code, 1);
    assert(
      new TextDecoder().decode(bad.stdout).includes("notes.png': expected a PNG or JPEG image"),
    );
    assertEquals((await run([])).code, 2);
    // A committee file reads like a model: its members' probabilities averaged.
    await saveModel(`${folder}/other.json`, {
      network: createNetwork({ seed: 2 }),
      settings: resolveSettings("assignment", { seed: 2 }),
      history: [],
    });
    await saveCommittee(`${folder}/committee.json`, ["model.json", "other.json"]);
    const voted = await run(["--model", `${folder}/committee.json`, `${folder}/two.png`]);
    assertEquals(voted.code, 0, new TextDecoder().decode(voted.stdout));
    assert(/two\.png: predicted \d/.test(new TextDecoder().decode(voted.stdout)));
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("a blank grey page, with a little noise, holds no ink: it is refused, not read as a digit", () => {
  const rng = new Random(4);
  const pixels = Float32Array.from({ length: 200 * 150 }, () => 0.6 + 0.04 * rng.uniform());
  assertThrows(
    () => mnistStyle({ width: 200, height: 150, pixels }),
    RangeError,
    "Cannot find a digit: the image holds no ink (no mark differs from the background by 10% or more)",
  );
});
