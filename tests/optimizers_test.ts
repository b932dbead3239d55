import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  adam,
  backprop,
  createNetwork,
  createOptimizer,
  fromRows,
  mlpModel,
  momentum,
  nesterov,
  type Parameter,
  rmsprop,
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
    () => createOptimizer({ optimizer: "lion" as never, momentum: 0, weightDecay: 0 }),
    RangeError,
    'expected one of sgd, momentum, nesterov, rmsprop, adam, adamw, found "lion"',
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

Deno.test("nesterov() looks ahead: θ ← θ + μv − η(∇ + λθ) after v ← μv − η(∇ + λθ)", () => {
  const p = parameter([1], [1]);
  const optimizer = nesterov(0.9);
  optimizer.step([p], 0.1); // v = −0.1; θ = 1 − 0.09 − 0.1
  assertAlmostEquals(p.value[0], 0.81, 1e-7);
  optimizer.step([p], 0.1); // v = −0.19; θ = 0.81 − 0.171 − 0.1
  assertAlmostEquals(p.value[0], 0.539, 1e-6);
});

Deno.test("rmsprop() divides each step by the root of the running mean square", () => {
  const p = parameter([1, 1], [2, -0.5]);
  rmsprop(0.9, 0, 0).step([p], 0.01);
  // s = 0.1 g², so every first step moves by η / √0.1 whatever the gradient's size.
  assertAlmostEquals(p.value[0], 1 - 0.01 / Math.sqrt(0.1), 1e-6);
  assertAlmostEquals(p.value[1], 1 + 0.01 / Math.sqrt(0.1), 1e-6);
});

Deno.test("adam() matches its formula over three steps; adamw() decays the weights apart from the gradient", () => {
  const [b1, b2, eta, eps] = [0.9, 0.999, 0.01, 1e-8];
  const gradients = [0.5, -0.2, 0.3];
  let theta = 1, m = 0, v = 0;
  const p = parameter([1], [0]);
  const optimizer = adam({ beta1: b1, beta2: b2, epsilon: eps });
  gradients.forEach((g, i) => {
    p.gradient[0] = g;
    optimizer.step([p], eta);
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    theta -= (eta * (m / (1 - b1 ** (i + 1)))) / (Math.sqrt(v / (1 - b2 ** (i + 1))) + eps);
    assertAlmostEquals(p.value[0], theta, 1e-6, `step ${i + 1}`);
  });
  const w = parameter([2], [0]);
  adam({ weightDecay: 0.1 }, true).step([w], 0.5); // a zero gradient: only the decay acts
  assertAlmostEquals(w.value[0], 2 - 0.5 * 0.1 * 2, 1e-6);
  const l2 = parameter([2], [0]);
  adam({ weightDecay: 0.1 }).step([l2], 0.5); // L2 inside Adam: a full η step against θ
  assertAlmostEquals(l2.value[0], 1.5, 1e-5);
});
