import { assert, assertAlmostEquals, assertEquals } from "./assert.ts";
import {
  activate,
  multiplyByDerivative,
  sigmoid,
  sigmoidDerivative,
  softmaxRows,
} from "../lib/mod.ts";
import { accuracy, crossEntropy } from "../lib/mod.ts";
import { fromRows, matrix } from "../lib/mod.ts";

Deno.test("sigmoid() is finite and correct for ±1000 and in between", () => {
  assertEquals(sigmoid(0), 0.5);
  assertEquals(sigmoid(1000), 1);
  assertEquals(sigmoid(-1000), 0);
  assertAlmostEquals(sigmoid(2), 1 / (1 + Math.exp(-2)), 1e-15);
  assertAlmostEquals(sigmoid(-2), 1 / (1 + Math.exp(2)), 1e-15);
  const out = activate("sigmoid", new Float32Array([-1000, -1, 0, 1, 1000]), new Float32Array(5));
  assert(out.every(Number.isFinite));
  assertEquals([out[0], out[2], out[4]], [0, 0.5, 1]);
});

Deno.test("sigmoidDerivative() matches σ(1 − σ) and a central difference", () => {
  for (const z of [-3, -0.5, 0, 0.7, 4]) {
    assertAlmostEquals(
      sigmoidDerivative(z),
      (sigmoid(z + 1e-6) - sigmoid(z - 1e-6)) / 2e-6,
      1e-8,
      `σ'(${z})`,
    );
  }
  assertEquals(sigmoidDerivative(0), 0.25);
});

Deno.test("multiplyByDerivative() applies f'(z), checked against finite differences", async (t) => {
  const z = new Float32Array([-2, -0.1, 0.3, 1.5]);
  for (const name of ["sigmoid", "tanh", "relu", "silu"] as const) {
    await t.step(name, () => {
      const delta = multiplyByDerivative(name, z, new Float32Array([1, 1, 1, 1]));
      const f = (v: number) => activate(name, new Float32Array([v]), new Float32Array(1))[0];
      z.forEach((v, i) =>
        assertAlmostEquals(delta[i], (f(v + 1e-3) - f(v - 1e-3)) / 2e-3, 2e-3, `${name}'(${v})`)
      );
    });
  }
});

Deno.test("softmaxRows() rows sum to 1 and stay finite for logits of ±1000", () => {
  const z = fromRows([[1, 2, 3], [1000, 0, -1000], [-1000, -1000, -1000], [0, 0, 0]]);
  const p = softmaxRows(z, matrix(4, 3));
  for (let i = 0; i < 4; i++) {
    const row = p.data.subarray(i * 3, i * 3 + 3);
    assert(row.every(Number.isFinite), `row ${i} finite`);
    assertAlmostEquals(row[0] + row[1] + row[2], 1, 1e-6, `row ${i} sum`);
  }
  assertEquals([...p.data.subarray(3, 6)], [1, 0, 0]);
  assertAlmostEquals(p.data[6], 1 / 3, 1e-7);
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)], sum = e[0] + e[1] + e[2];
  assertAlmostEquals(p.data[2], e[2] / sum, 1e-7);
});

Deno.test("crossEntropy() is the mean −log p of the true class and never takes log(0)", () => {
  const p = fromRows([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
  assertAlmostEquals(crossEntropy(p, [0, 2]), -(Math.log(0.7) + Math.log(0.8)) / 2, 1e-7);
  const certainWrong = fromRows([[1, 0, 0]]);
  const loss = crossEntropy(certainWrong, [1]);
  assert(Number.isFinite(loss) && loss > 80, `finite and large: ${loss}`);
  assertEquals(accuracy(p, [0, 1]), 0.5);
});
