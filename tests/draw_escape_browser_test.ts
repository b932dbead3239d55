/**
 * In Chromium, the drawing pad's page runs no script and adds no element from its class names,
 * title or model: each is escaped where it goes, and the names still read as text in the bars.
 */
import { assert, assertEquals } from "./assert.ts";
import { chromium } from "../tools/playwright.ts";
import { createSequential, drawDigit } from "../lib/mod.ts";

const CHROMIUM = "/usr/bin/chromium";
const chromiumThere = await Deno.stat(CHROMIUM).then(() => true, () => false);
const attack = "</script><script>alert(1)</script><img src=x onerror=alert(2)>";

Deno.test({
  name: "in Chromium, the pad's names, title and model fields run nothing and add no element",
  ignore: !chromiumThere && Deno.env.get("CI") !== "true",
  fn: async () => {
    const network = createSequential({ layers: "conv(2,3) relu maxpool(2) flatten", seed: 1 });
    const doctored = {
      ...network,
      input: { ...network.input!, note: attack } as typeof network.input,
    };
    const names = Array.from({ length: 10 }, (_, i) => `${i}${attack}`);
    const folder = await Deno.makeTempDir();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
    try {
      await drawDigit(doctored, { classNames: names, title: attack }).save(`${folder}/pad.html`);
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        dialog.dismiss();
      });
      await page.goto(`file://${folder}/pad.html`);
      await page.waitForSelector(".bars div");
      assertEquals(dialogs, [], "no script ran");
      assertEquals(await page.locator("img").count(), 0, "no element was added");
      const bars = await page.locator(".bars").innerText();
      assert(bars.includes(`0${attack}`), bars);
    } finally {
      await browser.close();
      await Deno.remove(folder, { recursive: true });
    }
  },
});
