import { assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  agreement,
  agreementRows,
  classScores,
  confusionMatrix,
  oneVsRestRoc,
  outcomesFor,
  predictions,
  rocCurve,
} from "../lib/mod.ts";
import { fromRows } from "../lib/mod.ts";

Deno.test("confusionMatrix() counts true class by predicted class", () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 2, 2, 2, 2, 0];
  assertEquals(confusionMatrix(predicted, labels, 3), [[2, 1, 0], [0, 1, 1], [1, 0, 3]]);
  assertThrows(() => confusionMatrix([0], [0, 1], 2), RangeError, "1 predictions but 2 labels");
});

Deno.test("classScores() gives precision, recall, F1 and support by hand", () => {
  const scores = classScores([[2, 1, 0], [0, 1, 1], [1, 0, 3]]);
  // Class 0: TP 2, predicted 3 times, 3 true → precision 2/3, recall 2/3.
  assertAlmostEquals(scores[0].precision, 2 / 3, 1e-12);
  assertAlmostEquals(scores[0].recall, 2 / 3, 1e-12);
  // Class 1: TP 1, predicted 2 times, 2 true → 1/2, 1/2. Class 2: TP 3, predicted 4, true 4 → 3/4, 3/4.
  assertAlmostEquals(scores[1].f1, 0.5, 1e-12);
  assertAlmostEquals(scores[2].precision, 0.75, 1e-12);
  assertEquals(scores.map((s) => s.support), [3, 2, 4]);
  assertEquals(classScores([[0, 1], [0, 1]])[0], { precision: 0, recall: 0, f1: 0, support: 1 });
});

Deno.test("rocCurve() gives the AUC of a known ranking, ties counting half", () => {
  // Positives at ranks 1, 2, 4 of 6: they beat 3 + 3 + 2 of the 9 positive–negative pairs.
  const { auc, points } = rocCurve([0.9, 0.8, 0.7, 0.6, 0.55, 0.4], [
    true,
    true,
    false,
    true,
    false,
    false,
  ]);
  assertAlmostEquals(auc, 8 / 9, 1e-12);
  assertEquals(points[0], { falsePositiveRate: 0, truePositiveRate: 0 });
  assertEquals(points.at(-1), { falsePositiveRate: 1, truePositiveRate: 1 });
  assertAlmostEquals(rocCurve([0.5, 0.5], [true, false]).auc, 0.5, 1e-12);
  assertAlmostEquals(rocCurve([0.1, 0.9], [false, true]).auc, 1, 1e-12);
  assertThrows(
    () => rocCurve([0.1], [true]),
    RangeError,
    "expected both positives and negatives, found 1 and 0",
  );
});

Deno.test("predictions(), oneVsRestRoc() and outcomesFor() on a small example", () => {
  const probabilities = fromRows([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [
    0.5,
    0.4,
    0.1,
  ]]);
  const labels = [0, 2, 1, 1];
  const { predicted, confidence } = predictions(probabilities);
  assertEquals([...predicted], [0, 2, 1, 0]);
  assertAlmostEquals(confidence[3], 0.5, 1e-7);
  const roc = oneVsRestRoc(probabilities, labels);
  assertEquals(roc.length, 3);
  assertAlmostEquals(roc[2].auc, 1, 1e-12);
  assertEquals(outcomesFor(1, predicted, labels), {
    truePositives: [2],
    falsePositives: [],
    falseNegatives: [3],
    trueNegatives: [0, 1],
  });
});

Deno.test("rocCurve() refuses scores that are not numbers instead of looping", () => {
  assertThrows(
    () => rocCurve([0.5, Number.NaN, 0.2], [true, false, false]),
    RangeError,
    "expected finite scores, found NaN at example 1",
  );
});

Deno.test("agreement() counts where two networks are right and wrong, and refuses lists that differ", () => {
  const counts = agreement([0, 1, 2, 3, 4], [0, 1, 0, 0, 4], [0, 0, 2, 0, 1]);
  assertEquals(counts, { bothRight: 1, onlyFirstRight: 2, onlySecondRight: 1, bothWrong: 1 });
  assertEquals(agreementRows(counts, ["A", "B"]), [
    { "test images": "A right", "B right": 1, "B wrong": 2 },
    { "test images": "A wrong", "B right": 1, "B wrong": 1 },
  ]);
  assertThrows(() => agreement([0, 1], [0], [0, 1]), RangeError, "one prediction per label (2)");
});
