"""The NumPy reference of the benchmark: the assignment's network trained the way students write it.

784-128-64-10, sigmoid hidden layers, softmax output, cross-entropy, mini-batches of 128 with a
fresh shuffle each epoch, Glorot-uniform weights (seed 695), classical momentum. Dense matrix
products through NumPy's BLAS; no gradient is computed for the input. Reads the raw IDX files the
project caches under data/mnist/ and prints one JSON line of timings.

Usage: python3 bench/numpy_mlp.py --dtype float32 --epochs 1 --data data/mnist
"""

import argparse
import json
import time

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--data", default="data/mnist")
    args = parser.parse_args()
    dtype = np.dtype(args.dtype)

    x = (read_idx(f"{args.data}/train-images-idx3-ubyte").reshape(-1, 784) / 255.0).astype(dtype)
    y = read_idx(f"{args.data}/train-labels-idx1-ubyte").astype(np.int64)
    x_test = (read_idx(f"{args.data}/t10k-images-idx3-ubyte").reshape(-1, 784) / 255.0).astype(dtype)
    y_test = read_idx(f"{args.data}/t10k-labels-idx1-ubyte").astype(np.int64)
    eye = np.eye(10, dtype=dtype)

    rng = np.random.default_rng(695)
    sizes = [784, 128, 64, 10]
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(dtype))
        biases.append(np.zeros(fan_out, dtype=dtype))
    velocity_w = [np.zeros_like(w) for w in weights]
    velocity_b = [np.zeros_like(b) for b in biases]
    lr, mu = dtype.type(args.learning_rate), dtype.type(args.momentum)

    def forward(batch):
        activations = [batch]
        for layer, (w, b) in enumerate(zip(weights, biases)):
            z = activations[-1] @ w + b
            activations.append(softmax(z) if layer == len(weights) - 1 else sigmoid(z))
        return activations

    epoch_seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = rng.permutation(len(x))
        for s in range(0, len(x), args.batch):
            index = order[s : s + args.batch]
            batch, target = x[index], eye[y[index]]
            activations = forward(batch)
            delta = (activations[-1] - target) / len(index)
            for layer in range(len(weights) - 1, -1, -1):
                grad_w = activations[layer].T @ delta
                grad_b = delta.sum(axis=0)
                if layer > 0:
                    a = activations[layer]
                    delta = (delta @ weights[layer].T) * a * (1 - a)
                velocity_w[layer] = mu * velocity_w[layer] - lr * grad_w
                velocity_b[layer] = mu * velocity_b[layer] - lr * grad_b
                weights[layer] += velocity_w[layer]
                biases[layer] += velocity_b[layer]
        epoch_seconds.append(time.perf_counter() - start)

    start = time.perf_counter()
    predicted = forward(x_test)[-1].argmax(axis=1)
    classify_seconds = time.perf_counter() - start
    # The machine's matrix-product ceiling: the best of three 2048 x 2048 float32 products.
    a = np.random.default_rng(0).standard_normal((2048, 2048), dtype=np.float32)
    best = min(timed(lambda: a @ a) for _ in range(3))
    print(json.dumps({
        "matmulGflops": 2 * 2048**3 / best / 1e9,
        "dtype": args.dtype,
        "numpy": np.__version__,
        "epochSeconds": epoch_seconds,
        "classifySeconds": classify_seconds,
        "testAccuracy": float((predicted == y_test).mean()),
    }))


if __name__ == "__main__":
    main()
