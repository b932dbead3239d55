"""The PyTorch side of the benchmark: the assignment's network as a PyTorch user writes it.

784-128-64-10, sigmoid hidden layers, cross-entropy on the logits, mini-batches of 128 with a fresh
shuffle each epoch, torch.optim.SGD with momentum 0.9 (its v = mu v + g, w -= lr v is the same
update as the project's v = mu v - lr g, w += v at a constant rate), float32 on the CPU with one
thread per core. Autograd computes no gradient for the input. Prints one JSON line of timings.

Usage: /usr/bin/python3 bench/torch_mlp.py --epochs 1 --data data/mnist
"""

import argparse
import json
import os
import time

import torch

from numpy_mlp import read_idx
from torch_setup import add_flags, compile_off_the_clock, facts, prepare


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--data", default="data/mnist")
    add_flags(parser)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(695)

    def images(name):
        return torch.from_numpy(read_idx(f"{args.data}/{name}").reshape(-1, 784).astype("float32") / 255.0)

    x, x_test = images("train-images-idx3-ubyte"), images("t10k-images-idx3-ubyte")
    y = torch.from_numpy(read_idx(f"{args.data}/train-labels-idx1-ubyte").astype("int64"))
    y_test = torch.from_numpy(read_idx(f"{args.data}/t10k-labels-idx1-ubyte").astype("int64"))

    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.Sigmoid(),
        torch.nn.Linear(128, 64), torch.nn.Sigmoid(),
        torch.nn.Linear(64, 10),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate, momentum=args.momentum)
    loss_of = torch.nn.CrossEntropyLoss()
    run = prepare(model, args)

    def step(index):
        optimizer.zero_grad()
        loss = loss_of(run(x[index]), y[index])
        loss.backward()
        optimizer.step()

    compile_seconds = 0.0
    if args.compile:
        compile_seconds = compile_off_the_clock(
            model, run, step, {args.batch, len(x) % args.batch} - {0}, lambda: run(x_test))
        optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate,
                                    momentum=args.momentum)

    epoch_seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for s in range(0, len(x), args.batch):
            step(order[s : s + args.batch])
        epoch_seconds.append(time.perf_counter() - start)

    with torch.no_grad():
        start = time.perf_counter()
        predicted = torch.softmax(run(x_test), dim=1).argmax(dim=1)
        classify_seconds = time.perf_counter() - start
    print(json.dumps({
        **facts(),
        "compile": args.compile,
        "compileSeconds": compile_seconds,
        "threads": torch.get_num_threads(),
        "epochSeconds": epoch_seconds,
        "classifySeconds": classify_seconds,
        "testAccuracy": float((predicted == y_test).float().mean()),
    }))


if __name__ == "__main__":
    main()
