import { assert, assertEquals } from "./assert.ts";
import { classScoresTable, historyTable, percent, Table, table } from "../lib/mod.ts";
import type { EpochRecord } from "../lib/mod.ts";

/** What Deno's Jupyter kernel would show for a cell ending on `value`. */
const display = (value: object) =>
  (value as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

const history: EpochRecord[] = Array.from({ length: 100 }, (_, i) => ({
  epoch: i + 1,
  loss: 1 / (i + 2),
  trainAccuracy: 0.98215 - 0.001 * (99 - i),
  validationLoss: 1.1 / (i + 2),
  validationAccuracy: 0.97 - 0.001 * (99 - i),
  learningRate: 0.1,
  seconds: 1.23456789,
}));

Deno.test("tables show themselves as HTML first, then aligned text, never a data-resource bundle", () => {
  const bundle = display(table([{ set: "test", images: 10000, loss: 0.123456789 }]));
  assertEquals(Object.keys(bundle), ["text/html", "text/plain"]);
  assert(bundle["text/html"].includes("<table>") && bundle["text/html"].includes("<th>loss</th>"));
  assert(bundle["text/html"].includes("<td>0.12346</td>"), "5 significant digits");
  assertEquals(bundle["text/plain"].split("\n"), [
    "set   images     loss",
    "----  ------  -------",
    "test   10000  0.12346",
  ]);
});

Deno.test("historyTable() shows every epoch: accuracies as percentages, loss with 4 decimals", () => {
  const shown = historyTable(history);
  assertEquals(shown.height, 100);
  const { "text/html": html, "text/plain": text } = display(shown);
  assertEquals(html.match(/<tr>/g)?.length, 101, "a header row and 100 epochs");
  assert(html.includes("<td>98.22%</td>"), "the last epoch's training accuracy");
  assert(html.includes("<td>0.0099</td>"), "the last epoch's loss, 4 decimals");
  assertEquals(text.split("\n").length, 102);
  // The kept values stay numbers, for a reader who computes with them.
  assertEquals(shown.toRecords()[99]["train accuracy"], 0.98215);
});

Deno.test("classScoresTable() shows precision, recall and F1 as percentages", () => {
  const scores = [
    { precision: 0.9, recall: 0.95, f1: 0.925, support: 10 },
    { precision: 0.5, recall: 0.25, f1: 1 / 3, support: 30 },
  ];
  const text = display(classScoresTable(scores, ["zero", "one"]))["text/plain"];
  assert(text.includes("90.00%  95.00%  92.50%"), text);
  assert(text.includes("33.33%"), text);
  assert(/macro average\s+70\.00%/.test(text), text);
});

Deno.test("Table escapes HTML, aligns numbers right and text left, and keeps to 840 px", () => {
  const shown = new Table([{ name: "a<b & c", n: 1 }, { name: "d", n: 22 }]);
  const html = shown.toHtml();
  assert(html.includes('<td class="t">a&lt;b &amp; c</td>'), html);
  assert(!html.includes("a<b"), "no raw <");
  assert(html.includes("max-width:840px"));
  assert(!html.includes("max-height"), "a short table does not scroll");
  assertEquals(shown.toString().split("\n").slice(2), ["a<b & c   1", "d        22"]);
  assertEquals(shown.columns, ["name", "n"]);
  assertEquals(shown.frame.toRecords(), [{ name: "a<b & c", n: 1 }, { name: "d", n: 22 }]);
  assertEquals(percent(0.98215), "98.22%");
});

Deno.test("a table shows a value a run never reached as a dash, not null", () => {
  const html = table([{ run: "η = 100", loss: null as unknown as number }]).toHtml();
  assert(html.includes("—") && !html.includes("null"), html);
});
