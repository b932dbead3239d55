import { assert, assertEquals, assertThrows } from "./assert.ts";
import { addBiasRow, columnSums, matmul, matmulTransA, matmulTransB } from "../lib/mod.ts";
import { fromRows, type Matrix, matrix } from "../lib/mod.ts";
import { Random } from "../lib/mod.ts";

const rng = new Random(11);

/** A random matrix; with `zeros`, about that share of entries is exactly 0 (like MNIST pixels). */
function randomMatrix(rows: number, cols: number, zeros = 0): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) {
    m.data[i] = rng.uniform() < zeros ? 0 : rng.uniform(-1, 1);
  }
  return m;
}

/** The naive definition, in double precision: C[i][j] = Σₚ A[i][p]·B[p][j]. */
function naiveProduct(
  get: (i: number, p: number) => number,
  getB: (p: number, j: number) => number,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += get(i, p) * getB(p, j);
      out[i * n + j] = sum;
    }
  }
  return out;
}

function assertClose(actual: Float32Array, expected: ArrayLike<number>, what: string) {
  assertEquals(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const tolerance = 1e-5 * (1 + Math.abs(expected[i])) * 10;
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      throw new Error(
        `${what}: entry ${i} is ${actual[i]}, expected ${expected[i]} ± ${tolerance}`,
      );
    }
  }
}

const shapes = [[1, 1, 1], [3, 5, 2], [7, 13, 9], [17, 1, 33], [64, 784, 10], [5, 31, 1]] as const;

Deno.test("matmul() equals the naive product, leaves its inputs alone and returns out", async (t) => {
  for (const [m, k, n] of shapes) {
    for (const zeros of [0, 0.8]) {
      await t.step(`${m}×${k} · ${k}×${n}, ${zeros * 100}% zeros`, () => {
        const a = randomMatrix(m, k, zeros), b = randomMatrix(k, n);
        const [aCopy, bCopy] = [a.data.slice(), b.data.slice()];
        const out = matrix(m, n);
        out.data.fill(7); // stale values must not leak into the result
        assert(matmul(a, b, out) === out, "returns out");
        assertClose(
          out.data,
          naiveProduct((i, p) => a.data[i * k + p], (p, j) => b.data[p * n + j], m, k, n),
          "A·B",
        );
        assertEquals([a.data, b.data], [aCopy, bCopy]);
      });
    }
  }
  await t.step("all-zero rows give zero rows", () => {
    const a = matrix(2, 3), b = randomMatrix(3, 4);
    assertEquals([...matmul(a, b, matrix(2, 4)).data], new Array(8).fill(0));
  });
  await t.step("a worked example", () => {
    const out = matmul(fromRows([[1, 2], [3, 4]]), fromRows([[5, 6], [7, 8]]), matrix(2, 2));
    assertEquals([...out.data], [19, 22, 43, 50]);
  });
});

Deno.test("matmulTransA() equals Aᵀ·B", async (t) => {
  for (const [m, k, n] of shapes) {
    await t.step(`(${k}×${m})ᵀ · ${k}×${n}`, () => {
      const a = randomMatrix(k, m, 0.5), b = randomMatrix(k, n);
      const aCopy = a.data.slice();
      const out = matrix(m, n);
      out.data.fill(-3);
      assert(matmulTransA(a, b, out) === out);
      assertClose(
        out.data,
        naiveProduct((i, p) => a.data[p * m + i], (p, j) => b.data[p * n + j], m, k, n),
        "AᵀB",
      );
      assertEquals(a.data, aCopy);
    });
  }
});

Deno.test("matmulTransB() equals A·Bᵀ", async (t) => {
  for (const [m, k, n] of shapes) {
    await t.step(`${m}×${k} · (${n}×${k})ᵀ`, () => {
      const a = randomMatrix(m, k), b = randomMatrix(n, k);
      const bCopy = b.data.slice();
      const out = matrix(m, n);
      assert(matmulTransB(a, b, out) === out);
      assertClose(
        out.data,
        naiveProduct((i, p) => a.data[i * k + p], (p, j) => b.data[j * k + p], m, k, n),
        "ABᵀ",
      );
      assertEquals(b.data, bCopy);
    });
  }
});

Deno.test("kernels reject shapes that do not fit, naming both", () => {
  assertThrows(
    () => matmul(matrix(2, 3), matrix(2, 3), matrix(2, 3)),
    RangeError,
    "Cannot multiply 2×3 by 2×3: inner dimensions differ",
  );
  assertThrows(
    () => matmul(matrix(2, 3), matrix(3, 4), matrix(4, 2)),
    RangeError,
    "Cannot multiply 2×3 by 3×4: expected out to be 2×4, found 4×2",
  );
  assertThrows(
    () => matmulTransA(matrix(2, 3), matrix(3, 3), matrix(3, 3)),
    RangeError,
    "Cannot multiply 2×3ᵀ by 3×3: row counts differ",
  );
  assertThrows(
    () => matmulTransB(matrix(2, 3), matrix(2, 4), matrix(2, 2)),
    RangeError,
    "Cannot multiply 2×3 by 2×4ᵀ: column counts differ",
  );
  assertThrows(
    () => addBiasRow(matrix(2, 3), new Float32Array(2), matrix(2, 3)),
    RangeError,
    "lengths differ",
  );
});

Deno.test("addBiasRow() adds the bias to every row, in place or not; columnSums() sums columns", () => {
  const m = fromRows([[1, 2], [3, 4], [5, 6]]);
  const bias = new Float32Array([10, 20]);
  const out = matrix(3, 2);
  assertEquals([...addBiasRow(m, bias, out).data], [11, 22, 13, 24, 15, 26]);
  assertEquals([...m.data], [1, 2, 3, 4, 5, 6]);
  addBiasRow(m, bias, m);
  assertEquals([...m.data], [11, 22, 13, 24, 15, 26]);
  const sums = new Float32Array([9, 9]);
  assertEquals([...columnSums(fromRows([[1, 2], [3, 4]]), sums)], [4, 6]);
});
