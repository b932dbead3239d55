import { assert, assertEquals, assertThrows } from "./assert.ts";
import {
  Activation,
  ACTIVATIONS,
  Conv2d,
  createSequential,
  crossEntropy,
  Dense,
  DropoutLayer,
  Flatten,
  formatLayers,
  layerGradientCheck,
  layersOf,
  type LayerSpec,
  type Matrix,
  matrix,
  MaxPool,
  parseLayers,
  predictSequential,
  Random,
  sequentialModel,
  type Shape,
  shapesOf,
} from "../lib/mod.ts";
import { compareGradient } from "../lib/nn/gradient_check.ts";

const rng = new Random(2026);
const random = (n: number, low = -1, high = 1) => {
  const values = new Float32Array(n);
  rng.fillUniform(values, low, high);
  return values;
};
const batch = (rows: number, shape: Shape): Matrix =>
  matrix(
    rows,
    shape.channels * shape.height * shape.width,
    random(rows * shape.channels * shape.height * shape.width),
  );

function expectAgreement(rows: ReturnType<typeof layerGradientCheck>, tolerance = 2e-3) {
  for (const row of rows) {
    assert(
      row.worstRelativeError < tolerance,
      `${row.what}: relative error ${row.worstRelativeError} (absolute ${row.worstAbsoluteError})`,
    );
  }
}

Deno.test("conv2d's backward pass agrees with finite differences on odd shapes", async (t) => {
  const cases = [
    { channels: 1, height: 5, width: 7, filters: 2, size: 3, padding: 1 },
    { channels: 3, height: 6, width: 5, filters: 4, size: 3, padding: 0 },
    { channels: 2, height: 7, width: 7, filters: 3, size: 5, padding: 2 },
    { channels: 2, height: 4, width: 3, filters: 5, size: 1, padding: 0 },
    { channels: 1, height: 3, width: 5, filters: 2, size: 2, padding: 1 },
  ];
  for (const c of cases) {
    await t.step(
      `${c.channels}×${c.height}×${c.width}, conv(${c.filters},${c.size},${c.padding})`,
      () => {
        const shape = { channels: c.channels, height: c.height, width: c.width };
        const layer = new Conv2d(
          shape,
          c.filters,
          c.size,
          c.padding,
          random(c.filters * c.channels * c.size ** 2),
          random(c.filters),
          "1",
        );
        const rows = layerGradientCheck(layer, batch(3, shape));
        assertEquals(rows.map((r) => r.what), ["input", "W1", "b1"]);
        expectAgreement(rows);
      },
    );
  }
});

Deno.test("conv2d computes the sum the formula says, borders included", () => {
  // A 3×3 image 1…9 and one 3×3 filter that picks the centre plus the right neighbour, with a bias.
  const filter = new Float32Array(9);
  filter[4] = 1;
  filter[5] = 10;
  const layer = new Conv2d(
    { channels: 1, height: 3, width: 3 },
    1,
    3,
    1,
    filter,
    Float32Array.of(0.5),
    "1",
  );
  const y = layer.forward(matrix(1, 9, Float32Array.from({ length: 9 }, (_, i) => i + 1)));
  // Each output is x[i,j] + 10·x[i,j+1] + 0.5, with x read as 0 past the right edge.
  assertEquals([...y.data], [21.5, 32.5, 3.5, 54.5, 65.5, 6.5, 87.5, 98.5, 9.5]);
});

Deno.test("maxpool passes the gradient to each window's maximum", async (t) => {
  for (
    const [shape, size] of [[{ channels: 2, height: 5, width: 7 }, 2], [{
      channels: 1,
      height: 6,
      width: 6,
    }, 3]] as const
  ) {
    await t.step(`${shape.channels}×${shape.height}×${shape.width}, maxpool(${size})`, () => {
      const n = 2 * shape.channels * shape.height * shape.width;
      // Distinct values at least 0.05 apart, so a nudge of ε = 0.01 never changes a maximum.
      const values = rng.permutation(n);
      const x = matrix(2, n / 2, Float32Array.from(values, (v) => v * 0.05));
      expectAgreement(layerGradientCheck(new MaxPool(shape, size), x));
    });
  }
  const pool = new MaxPool({ channels: 1, height: 2, width: 2 }, 2);
  assertEquals([...pool.forward(matrix(1, 4, Float32Array.of(1, 4, 3, 2))).data], [4]);
  assertEquals([...pool.backward(matrix(1, 1, Float32Array.of(7))).data], [0, 7, 0, 0]);
});

Deno.test("dense, flatten, every activation and dropout agree with finite differences", async (t) => {
  const image = { channels: 2, height: 3, width: 5 };
  await t.step("dense on an image input", () => {
    const layer = new Dense(image, 7, random(30 * 7), random(7), "2");
    expectAgreement(layerGradientCheck(layer, batch(4, image)));
  });
  await t.step("flatten", () => {
    const layer = new Flatten(image);
    assertEquals(layer.outShape, { channels: 30, height: 1, width: 1 });
    expectAgreement(layerGradientCheck(layer, batch(2, image)));
  });
  for (const activation of ACTIVATIONS) {
    await t.step(activation, () => {
      // Inputs kept away from 0, where ReLU has its kink.
      const x = batch(3, image);
      x.data.forEach((v, i) => x.data[i] = v >= 0 ? v + 0.05 : v - 0.05);
      expectAgreement(layerGradientCheck(new Activation(image, activation), x));
    });
  }
  await t.step("dropout(0.4), with the masks of one step", () => {
    const layer = new DropoutLayer(image, 0.4, 3);
    expectAgreement(layerGradientCheck(layer, batch(3, image)));
    const x = batch(1, image);
    assertEquals(layer.forward(x), x, "nothing is dropped outside training");
  });
});

Deno.test("a whole CNN's gradients agree with finite differences of the cross-entropy", () => {
  const network = createSequential({
    layers: "conv(3,3) maxpool(2) tanh conv(4,3,0) silu flatten dense(5) sigmoid dropout(0.25)",
    input: { channels: 1, height: 9, width: 9 },
    classes: 3,
    seed: 7,
  });
  const x = batch(4, network.input!);
  const labels = [0, 2, 1, 2];
  const model = sequentialModel(network, { seed: 11 });
  // The masks belong to a step: replay step 1 for every nudged loss.
  const loss = () => crossEntropy(sequentialModel(network, { seed: 11 }).forward(x), labels);
  model.forward(x);
  model.backward(labels);
  for (const parameter of model.parameters()) {
    const gradient = parameter.gradient.slice();
    const agreement = compareGradient(parameter.value, gradient, loss, 1e-3, 40);
    // A first-layer weight moves every position of its feature map: a nudge of 1e-2 would change
    // which value wins some max-pooling windows, so ε is 1e-3, where Float32 round-off of the loss
    // leaves errors of about 1e-2 (a wrong gradient is off by order 1; each layer alone is checked
    // to 2e-3 above).
    assert(
      agreement.worstRelativeError < 5e-2,
      `${parameter.name}: relative error ${agreement.worstRelativeError}`,
    );
  }
});

Deno.test("createSequential() works out each layer's shape and draws its weights", () => {
  const network = createSequential({
    layers: "conv(32,5) relu maxpool(2) conv(64,5) relu maxpool(2) flatten dense(256) relu",
  });
  assertEquals(network.sizes, [784, 32 * 28 * 28, 64 * 14 * 14, 256, 10]);
  assertEquals(network.weights.map((w) => [w.rows, w.cols]), [[32, 25], [64, 32 * 25], [
    64 * 7 * 7,
    256,
  ], [256, 10]]);
  assertEquals(network.hidden, "relu");
  assertEquals(network.init, "he-normal");
  assertEquals(
    shapesOf(network.input!, network.layers!).at(-2),
    { channels: 256, height: 1, width: 1 },
  );
  const again = createSequential({ layers: formatLayers(network.layers!.slice(0, -1)) });
  assert(
    again.weights.every((w, l) => w.data.every((v, i) => v === network.weights[l].data[i])),
    "same seed, same weights",
  );
  const probabilities = predictSequential(network, batch(3, network.input!));
  for (let r = 0; r < 3; r++) {
    const sum = probabilities.data.subarray(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0);
    assert(Math.abs(sum - 1) < 1e-5, `row ${r} sums to ${sum}`);
  }
  assertEquals(layersOf(network).length, network.layers!.length);
});

Deno.test("the layers' text form reads back, and a bad layer or shape is named", () => {
  const text = "conv(32,5) relu maxpool(2) conv(8,3,0) flatten dense(128) tanh dropout(0.5)";
  assertEquals(formatLayers(parseLayers(text)), text);
  assertEquals(parseLayers("conv(4, 3), relu"), [
    { type: "conv", filters: 4, size: 3, padding: 1 },
    { type: "activation", activation: "relu" },
  ]);
  assertThrows(
    () => parseLayers("conv(32) relu"),
    RangeError,
    `"conv(32)": conv takes 2 or 3 numbers`,
  );
  assertThrows(() => parseLayers("maxpool(2) swish"), RangeError, `"swish": unknown layer`);
  assertThrows(
    () => parseLayers("dropout(1.5)"),
    RangeError,
    "the rate must be in [0, 1), found 1.5",
  );
  assertThrows(
    () => parseLayers("conv(8,3,3)"),
    RangeError,
    "the padding must be an integer from 0 to 2",
  );
  assertThrows(
    () => createSequential({ layers: "maxpool(2) maxpool(2) maxpool(2) maxpool(2) maxpool(2)" }),
    RangeError,
    "Cannot build maxpool(2) on 1×1 images",
  );
});

Deno.test("a layer kind the library does not know is refused by name, not dropped", () => {
  const spec = [{ type: "groupnorm" }] as unknown as LayerSpec[];
  assertThrows(
    () => createSequential({ input: { channels: 1, height: 28, width: 28 }, layers: spec }),
    TypeError,
    'unknown layer "groupnorm"',
  );
});
