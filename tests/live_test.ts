import { assert, assertEquals } from "./assert.ts";
import { formatDuration, LiveOutput, progressBar } from "../lib/mod.ts";
import { check, text } from "../lib/mod.ts";
import { assertThrows } from "./assert.ts";

Deno.test("formatDuration() writes minutes and seconds, and hours when there are any", () => {
  assertEquals(formatDuration(0), "0:00");
  assertEquals(formatDuration(65.4), "1:05");
  assertEquals(formatDuration(3725), "1:02:05");
});

Deno.test("progressBar() shows the share done, the epoch and batch, and an estimate of what is left", () => {
  const bar = progressBar({ epoch: 2, epochs: 4, batch: 50, batches: 100, loss: 0.12345 }, 30);
  // 1.5 of 4 epochs done in 30 s: 37.5%, and 50 s left.
  assert(
    bar["text/plain"].includes(
      "37.5% epoch 2/4 · batch 50/100 · loss 0.1235 · 0:30 elapsed, ~0:50 left",
    ),
  );
  assert(bar["text/plain"].startsWith(`[${"█".repeat(11)}${"░".repeat(19)}]`), bar["text/plain"]);
  assert(bar["text/html"].includes('<progress value="0.3750" max="1"'));
});

Deno.test("LiveOutput.update() does nothing outside a Jupyter kernel", async () => {
  const output = new LiveOutput();
  assertEquals(output.active, false);
  await output.update("nothing to show"); // must not throw
});

Deno.test("text() and check() show plain results; check() throws when its claim is false", () => {
  const display = (value: object) =>
    (value as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();
  assertEquals(display(text("a", 2))["text/plain"], "a\n2");
  assertEquals(display(check(true, "rows sum to 1"))["text/plain"], "✓ rows sum to 1");
  assertThrows(() => check(false, "rows sum to 1"), Error, "Check failed: rows sum to 1");
});
