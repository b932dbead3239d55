import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  backprop,
  createNetwork,
  createOptimizer,
  fromRows,
  mlpModel,
  momentum,
  type Parameter,
  sgd,
} from "../lib/mod.ts";

const parameter = (value: number[], gradient: number[], decay = true): Parameter => ({
  name: "W1",
  value: Float32Array.from(value),
  gradient: Float32Array.from(gradient),
  decay,
});

Deno.test("sgd() steps θ ← θ − η(∇ + λθ), and never decays biases", () => {
  const weights = parameter([1, -2], [0.5, 0.25]);
  const biases = parameter([1], [0.5], false);
  sgd(0.1).step([weights, biases], 0.2);
  assertAlmostEquals(weights.value[0], 1 - 0.2 * (0.5 + 0.1 * 1), 1e-7);
  assertAlmostEquals(weights.value[1], -2 - 0.2 * (0.25 + 0.1 * -2), 1e-7);
  assertAlmostEquals(biases.value[0], 1 - 0.2 * 0.5, 1e-7);
});

Deno.test("momentum() keeps a velocity per parameter: v ← μv − η(∇ + λθ); θ ← θ + v", () => {
  const p = parameter([1], [1]);
  const optimizer = momentum(0.9);
  optimizer.step([p], 0.1); // v = −0.1
  optimizer.step([p], 0.1); // v = −0.09 − 0.1 = −0.19
  assertAlmostEquals(p.value[0], 1 - 0.1 - 0.19, 1e-7);
  const fresh = parameter([1], [1]);
  momentum(0).step([fresh], 0.1);
  const plain = parameter([1], [1]);
  sgd().step([plain], 0.1);
  assertEquals(fresh.value, plain.value, "μ = 0 is plain gradient descent");
});

Deno.test("createOptimizer() builds the optimizer settings name, or says which names exist", () => {
  assertEquals(
    createOptimizer({ optimizer: "momentum", momentum: 0.9, weightDecay: 0 }).name,
    "momentum",
  );
  assertThrows(
    () => createOptimizer({ optimizer: "adam" as never, momentum: 0, weightDecay: 0 }),
    RangeError,
    'expected one of sgd, momentum, found "adam"',
  );
});

Deno.test("mlpModel() gives the same loss and gradients as backprop(), on the network's own arrays", () => {
  const network = createNetwork({ sizes: [3, 4, 2], seed: 9 });
  const x = fromRows([[0.1, 0.5, 0.9], [0.3, 0.2, 0.0]]);
  const labels = [1, 0];
  const expected = backprop(createNetwork({ sizes: [3, 4, 2], seed: 9 }), x, labels);
  const model = mlpModel(network, 2);
  const probabilities = model.forward(x);
  assertEquals(probabilities.rows, 2);
  assertEquals(model.backward(labels), expected.loss);
  const [w1, b1, w2, b2] = model.parameters();
  assertEquals([w1.name, b1.name, w2.name, b2.name], ["W1", "b1", "W2", "b2"]);
  assertEquals(w1.gradient, expected.gradWeights[0].data);
  assertEquals(b2.gradient, expected.gradBiases[1]);
  assert(w1.value === network.weights[0].data, "a step on the model changes the network");
  assert(w1.decay && !b1.decay);
});
