"""The JAX side of the benchmark: the assignment's MLP, or a network of the project's layer text, as a
JAX user writes it — parameters as a list of arrays, the loss's gradient by jax.grad, and the whole
training step (forward, backward, SGD with momentum and weight decay) compiled once by jax.jit.

--network mlp is 784-128-64-10 with sigmoid hidden units, SGD with momentum 0.9 at 0.1 (as
torch_mlp.py); --network cnn takes --layers (as torch_cnn.py: the output layer dense(10) added),
momentum 0.9 at 0.05 and weight decay 5e-4. Images in NHWC, the layout XLA's CPU convolutions
prefer. Both shapes of batch (full and the epoch's last) are compiled before the clock starts; the
compile time is printed apart. Trains one epoch on the first --rows training images, classifies the
10,000 test images, and prints one JSON line of timings and the test accuracy.

Usage: python3 bench/jax_peer.py --network cnn --layers "conv(32,5) relu maxpool(2) ..." --threads 2
"""

import argparse
import json
import os
import re
import sys
import time

import numpy as np

from numpy_mlp import read_idx


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", choices=["mlp", "cnn"], required=True)
    parser.add_argument("--layers", default="")
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=128)
    # Defaults: the MLP's (0.1, 0.9, 0) or the CNN's (0.05, 0.9, 5e-4), as the PyTorch peers'.
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--data", default="data/mnist")
    return parser.parse_args()


ARGS = parse_args()
# XLA reads its thread count once, when it starts: one thread is asked for before jax is imported.
if ARGS.threads == 1:
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_platforms", "cpu")


def mlp_network(rng):
    """The assignment's network: Glorot-uniform weights, zero biases."""
    sizes, params = [784, 128, 64, 10], []
    for n_in, n_out in zip(sizes, sizes[1:]):
        bound = np.sqrt(6 / (n_in + n_out))
        params += [rng.uniform(-bound, bound, (n_in, n_out)).astype("float32"),
                   np.zeros(n_out, "float32")]

    def apply(params, x, key, training):
        for i in range(0, len(params) - 2, 2):
            x = jax.nn.sigmoid(x @ params[i] + params[i + 1])
        return x @ params[-2] + params[-1]

    return params, apply


def cnn_network(text, rng, classes=10):
    """The project's layer text as JAX functions over NHWC images; He-uniform weights."""
    channels, side, flat, params, ops = 1, 28, None, [], []
    specs = re.findall(r"([a-z]+)(?:\(([^)]*)\))?", text) + [("dense", str(classes)), ("output", "")]
    for name, args in specs:
        numbers = [float(a) for a in args.split(",") if a.strip()] if args else []
        if name == "conv":
            filters, size = int(numbers[0]), int(numbers[1])
            padding = int(numbers[2]) if len(numbers) > 2 else size // 2
            bound = np.sqrt(6 / (channels * size * size))
            params += [rng.uniform(-bound, bound, (size, size, channels, filters)).astype("float32"),
                       np.zeros(filters, "float32")]
            ops.append(("conv", len(params) - 2, padding))
            channels, side = filters, side + 2 * padding - size + 1
        elif name == "maxpool":
            ops.append(("maxpool", int(numbers[0])))
            side //= int(numbers[0])
        elif name in ("flatten", "dense") and flat is None:
            ops.append(("flatten",))
            flat = channels * side * side
            if name == "flatten":
                continue
        if name == "dense":
            units = int(numbers[0])
            bound = np.sqrt(6 / flat)
            params += [rng.uniform(-bound, bound, (flat, units)).astype("float32"),
                       np.zeros(units, "float32")]
            ops.append(("dense", len(params) - 2))
            flat = units
        elif name == "dropout":
            ops.append(("dropout", numbers[0]))
        elif name in ("relu", "tanh", "sigmoid", "silu"):
            ops.append(("activation", {"relu": jax.nn.relu, "tanh": jnp.tanh,
                                       "sigmoid": jax.nn.sigmoid, "silu": jax.nn.silu}[name]))

    def apply(params, x, key, training):
        x = x.reshape(-1, 28, 28, 1)
        for op in ops:
            if op[0] == "conv":
                w, b = params[op[1]], params[op[1] + 1]
                x = jax.lax.conv_general_dilated(
                    x, w, (1, 1), [(op[2], op[2])] * 2,
                    dimension_numbers=("NHWC", "HWIO", "NHWC")) + b
            elif op[0] == "maxpool":
                k = op[1]
                x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, k, k, 1), (1, k, k, 1),
                                          "VALID")
            elif op[0] == "flatten":
                # NHWC flattened in NCHW order, as the project and PyTorch do.
                x = jnp.transpose(x, (0, 3, 1, 2)).reshape(x.shape[0], -1)
            elif op[0] == "dense":
                x = x @ params[op[1]] + params[op[1] + 1]
            elif op[0] == "activation":
                x = op[1](x)
            elif op[0] == "dropout" and training:
                key, sub = jax.random.split(key)
                keep = jax.random.bernoulli(sub, 1 - op[1], x.shape)
                x = jnp.where(keep, x / (1 - op[1]), 0)
        return x

    return params, apply


def main():
    rng = np.random.default_rng(695)
    if ARGS.network == "mlp":
        params, apply = mlp_network(rng)
        rate, decay = ARGS.learning_rate or 0.1, ARGS.weight_decay or 0.0
    else:
        params, apply = cnn_network(ARGS.layers, rng)
        rate = ARGS.learning_rate or 0.05
        decay = 5e-4 if ARGS.weight_decay is None else ARGS.weight_decay
    momentum = ARGS.momentum
    params = [jnp.asarray(p) for p in params]
    velocity = [jnp.zeros_like(p) for p in params]

    def loss_of(params, x, y, key):
        logits = apply(params, x, key, True)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

    @jax.jit
    def step(params, velocity, x, y, key):
        grads = jax.grad(loss_of)(params, x, y, key)
        # PyTorch's SGD: g += decay p; v = momentum v + g; p -= rate v.
        velocity = [momentum * v + g + decay * p for v, g, p in zip(velocity, grads, params)]
        return [p - rate * v for p, v in zip(params, velocity)], velocity

    @jax.jit
    def predict(params, x):
        return jnp.argmax(jax.nn.softmax(apply(params, x, None, False)), axis=1)

    def images(name, rows):
        return read_idx(f"{ARGS.data}/{name}")[:rows].reshape(-1, 784).astype("float32") / 255.0

    x = images("train-images-idx3-ubyte", ARGS.rows)
    y = read_idx(f"{ARGS.data}/train-labels-idx1-ubyte")[: ARGS.rows].astype("int32")
    x_test = images("t10k-images-idx3-ubyte", 10000)
    y_test = read_idx(f"{ARGS.data}/t10k-labels-idx1-ubyte").astype("int32")
    key = jax.random.PRNGKey(695)

    start = time.perf_counter()
    last = len(x) % ARGS.batch
    for rows in {ARGS.batch, last} - {0}:
        jax.block_until_ready(step(params, velocity, x[:rows], y[:rows], key))
    jax.block_until_ready(predict(params, x_test[:1000]))
    compile_seconds = time.perf_counter() - start

    start = time.perf_counter()
    order = rng.permutation(len(x))
    for s in range(0, len(x), ARGS.batch):
        index = order[s: s + ARGS.batch]
        key, sub = jax.random.split(key)
        params, velocity = step(params, velocity, x[index], y[index], sub)
    jax.block_until_ready(params)
    epoch_seconds = time.perf_counter() - start

    start = time.perf_counter()
    predicted = [jax.block_until_ready(predict(params, x_test[s: s + 1000]))
                 for s in range(0, len(x_test), 1000)]
    classify_seconds = time.perf_counter() - start
    print(json.dumps({
        "jax": jax.__version__,
        "threads": ARGS.threads,
        "rows": len(x),
        "compileSeconds": compile_seconds,
        "epochSeconds": epoch_seconds,
        "classifySeconds": classify_seconds,
        # That it learned: after one epoch, the share of the test set it reads right.
        "testAccuracy": float(np.mean(np.concatenate(predicted) == y_test)),
    }))


if __name__ == "__main__":
    sys.exit(main())
