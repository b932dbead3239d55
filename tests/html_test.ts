/**
 * Nothing from outside is injected into a page: names and titles go through one HTML escape, and
 * JSON inside a script cannot close it.
 */
import { assert, assertEquals } from "./assert.ts";
import { createNetwork, createSequential, drawDigit } from "../lib/mod.ts";
import { escapeHtml, jsonInScript } from "../lib/show/html.ts";

const attack = "</script><script>alert(1)</script><img src=x onerror=alert(2)>";

Deno.test("escapeHtml() writes the five special characters as entities", () => {
  assertEquals(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
});

Deno.test("jsonInScript() reads back as the same value and holds no '<'", () => {
  const value = { text: attack, separators: "\u2028\u2029", list: [1, "<!--"] };
  const json = jsonInScript(value);
  assert(!json.includes("<") && !json.includes("\u2028"), json);
  assertEquals(JSON.parse(json), value);
});

Deno.test("drawDigit() lets no class name, title or network field end its script or add HTML", () => {
  const mlp = createNetwork({ sizes: [784, 4, 10], seed: 1 });
  const cnn = createSequential({ layers: "conv(2,3) relu maxpool(2) flatten", seed: 1 });
  // A network object carrying an extra field, as a doctored model file could have held.
  const doctored = { ...cnn, input: { ...cnn.input!, note: attack } as typeof cnn.input };
  for (const network of [mlp, doctored]) {
    const pad = drawDigit(network, {
      classNames: Array.from({ length: 10 }, (_, i) => `${i}${attack}`),
      title: attack,
    });
    assertEquals(pad.html.split("</script>").length, 2, "one script, closed once");
    assert(!pad.html.includes("<img"), "no element from a name or a title");
  }
});
