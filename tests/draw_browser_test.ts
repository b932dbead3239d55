/**
 * The drawing pad in a real browser: notebook 11 is executed and exported to HTML, opened as a file
 * in headless Chromium (Debian's, driven by playwright-core; the browser's own download is never
 * used), and digits are drawn on it with the mouse along strokes taken from MNIST test images of
 * each class. The page must read them as the library reads the images, undo and clear must work,
 * and the page must log no errors. The page's forward pass is also checked against the library's
 * directly.
 */
import { assert, assertEquals } from "./assert.ts";
import { CHROMIUM, launchBrowser } from "./jupyterlab/lab_page.ts";
import { drawOnPad, strokesOf } from "./draw_strokes.ts";
import {
  classify,
  createNetwork,
  imageOf,
  isSequential,
  loadDataset,
  networkFor,
  normalizeImages,
  pageForward,
  pageModel,
  predictProbabilities,
  resolveSettings,
  saveModel,
  takeExamples,
  train,
} from "../lib/mod.ts";
import {
  errorOutputs,
  executeNotebook,
  INSTALL_JUPYTER,
  jupyterAvailable,
  renderHtml,
} from "../tools/notebooks.ts";

const inCi = Deno.env.get("CI") === "true";
const chromiumThere = await Deno.stat(CHROMIUM).then(() => true, () => false);
const jupyter = await jupyterAvailable();
if (!(chromiumThere && jupyter) && !inCi) {
  console.warn("Skipping the browser test: it needs Debian's chromium and Jupyter");
}

const mnist = await loadDataset("mnist");
const test = normalizeImages(mnist.test);

Deno.test("the page's forward pass gives the library's probabilities, for an MLP and a CNN", async () => {
  const mlp = createNetwork({ sizes: [784, 32, 16, 10], hidden: "tanh", seed: 3 });
  const cnn = networkFor(resolveSettings("cnn", {
    layers: "conv(4,3) relu maxpool(2) conv(6,3,0) sigmoid flatten dense(12) relu dropout(0.5)",
  }));
  const rows = takeExamples(test, [0, 1, 2, 3, 4]);
  for (const network of [mlp, cnn]) {
    const expected = isSequential(network)
      ? await classify(network, rows.images, { engine: "reference" })
      : predictProbabilities(network, rows.images);
    const model = JSON.parse(JSON.stringify(pageModel(network)));
    for (let i = 0; i < rows.labels.length; i++) {
      const found = pageForward(model, imageOf(rows, i)).probabilities;
      const worst = found.reduce(
        (m, v, c) => Math.max(m, Math.abs(v - expected.data[i * 10 + c])),
        0,
      );
      assert(
        worst < 1e-6,
        `${isSequential(network) ? "CNN" : "MLP"} image ${i}: differs by ${worst}`,
      );
    }
  }
});

Deno.test({
  name: "in Chromium, digits drawn on notebook 11's pad are read as the library reads them",
  ignore: !(chromiumThere && jupyter) && !inCi,
  fn: async () => {
    assert(jupyter, `Jupyter is required under CI=true: ${INSTALL_JUPYTER}`);
    assert(chromiumThere, "Debian's chromium is required under CI=true: apt-get install chromium");
    const folder = await Deno.makeTempDir({ prefix: "draw-test-" });
    const browser = await launchBrowser();
    try {
      // A model worth drawing for: the assignment's network, three epochs.
      const settings = resolveSettings("assignment", { epochs: 3 });
      const network = networkFor(settings);
      await train(network, normalizeImages(mnist.train), settings);
      await saveModel(`${folder}/model.json`, { network, settings, history: [] });
      const executed = await executeNotebook(
        decodeURIComponent(new URL("../notebooks/11-draw.ipynb", import.meta.url).pathname),
        { overrides: { modelPath: `${folder}/model.json`, figuresFolder: `${folder}/figures` } },
      );
      assertEquals(errorOutputs(executed), []);
      await Deno.writeTextFile(`${folder}/11-draw.html`, await renderHtml(executed));

      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`file://${folder}/11-draw.html`);
      const pad = page.locator(".mnist-draw").first();
      await pad.locator("canvas.pad").scrollIntoViewIfNeeded();
      const box = (await pad.locator("canvas.pad").boundingBox())!;
      const draw = (strokes: [number, number][][]) => drawOnPad(page, box, strokes);
      const predicted = async () => await pad.getAttribute("data-predicted");

      // One test digit of each class, redrawn stroke by stroke.
      const indices = [...Array(10).keys()].map((c) => test.labels.indexOf(c));
      const expected = await classify(network, takeExamples(test, indices).images);
      let agree = 0;
      const seen: string[] = [];
      for (const [c, index] of indices.entries()) {
        await pad.locator("button.clear").click();
        await draw(strokesOf(imageOf(test, index)));
        const library = expected.data.slice(c * 10, c * 10 + 10);
        const want = library.indexOf(Math.max(...library));
        const got = await predicted();
        seen.push(`${c}: page ${got}, library ${want}`);
        if (got === String(want)) agree++;
      }
      assert(
        agree >= 9,
        `the page and the library agree on ${agree} of 10 digits: ${seen.join("; ")}`,
      );

      // Undo takes back the last stroke; clear empties the pad.
      await pad.locator("button.clear").click();
      await draw([[[140, 40], [140, 240]]]);
      const one = await predicted();
      await draw([[[60, 140], [220, 140]]]);
      assertEquals(await pad.getAttribute("data-strokes"), "2");
      await pad.locator("button.undo").click();
      await page.waitForTimeout(50);
      assertEquals([await pad.getAttribute("data-strokes"), await predicted()], ["1", one]);
      await pad.locator("button.clear").click();
      await page.waitForTimeout(50);
      assertEquals([await pad.getAttribute("data-strokes"), await predicted()], ["0", ""]);
      // nbconvert 7's page asks the web's CDNs for MathJax and require.js, which this machine
      // cannot reach: that is the only error allowed.
      const ours = errors.filter((error) => !error.includes("net::ERR_NAME_NOT_RESOLVED"));
      assertEquals(ours, [], "the page logged errors");

      // Where its script does not run (untrusted output), one line says what to do, and no pad.
      const untrusted = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await untrusted.goto(`file://${folder}/11-draw.html`);
      const line = untrusted.locator(".mnist-draw .untrusted").first();
      assert(
        (await line.textContent())?.includes("run this cell again"),
        "the line asks to run the cell",
      );
      assertEquals(await untrusted.locator(".mnist-draw canvas").count(), 0, "no broken pad");
    } finally {
      await browser.close();
      await Deno.remove(folder, { recursive: true });
    }
  },
});
