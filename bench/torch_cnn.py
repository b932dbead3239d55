"""The PyTorch side of the CNN benchmark: a network of the project's layer text as a PyTorch user
writes it.

--layers takes the project's text ("conv(32,5) relu maxpool(2) flatten dense(256) relu dropout(0.5)",
the output layer dense(10) added), built from torch.nn layers; cross-entropy on the logits,
mini-batches with a fresh shuffle, torch.optim.SGD with momentum and weight decay (or, with
--optimizer adam --schedule onecycle, the speed run's Adam on torch's OneCycleLR, whose defaults are
the project's one-cycle: η/25 up to η over 30% of the steps, down along cosines to η/25 000),
float32 on the CPU. Trains one epoch on the first --rows training images, classifies the 10,000 test images, and
prints one JSON line of timings.

Usage: /usr/bin/python3 bench/torch_cnn.py --layers "conv(32,5) relu ..." --rows 60000 --threads 2
"""

import argparse
import json
import os
import re
import time

import torch

from numpy_mlp import read_idx
from torch_setup import add_flags, compile_off_the_clock, facts, images_as, prepare


def build(text, classes=10):
    """torch.nn layers for the project's layer text, on 1 x 28 x 28 images."""
    channels, side, flat, layers = 1, 28, None, []
    for name, args in re.findall(r"([a-z]+)(?:\(([^)]*)\))?", text):
        numbers = [float(a) for a in args.split(",") if a.strip()] if args else []
        if name == "conv":
            filters, size = int(numbers[0]), int(numbers[1])
            padding = int(numbers[2]) if len(numbers) > 2 else size // 2
            layers.append(torch.nn.Conv2d(channels, filters, size, padding=padding))
            channels, side = filters, side + 2 * padding - size + 1
        elif name == "maxpool":
            layers.append(torch.nn.MaxPool2d(int(numbers[0])))
            side //= int(numbers[0])
        elif name == "flatten":
            layers.append(torch.nn.Flatten())
            flat = channels * side * side
        elif name == "dense":
            if flat is None:
                layers.append(torch.nn.Flatten())
                flat = channels * side * side
            layers.append(torch.nn.Linear(flat, int(numbers[0])))
            flat = int(numbers[0])
        elif name == "dropout":
            layers.append(torch.nn.Dropout(numbers[0]))
        else:
            layers.append({"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
                           "silu": torch.nn.SiLU}[name]())
    if flat is None:
        layers.append(torch.nn.Flatten())
        flat = channels * side * side
    layers.append(torch.nn.Linear(flat, classes))
    return torch.nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", required=True)
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    parser.add_argument("--beta1", type=float, default=0.9)
    parser.add_argument("--beta2", type=float, default=0.999)
    parser.add_argument("--schedule", choices=["constant", "onecycle"], default="constant")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--data", default="data/mnist")
    add_flags(parser)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(695)

    def images(name, rows):
        pixels = read_idx(f"{args.data}/{name}")[:rows].reshape(-1, 1, 28, 28).astype("float32") / 255.0
        return torch.from_numpy(pixels)

    x = images("train-images-idx3-ubyte", args.rows)
    y = torch.from_numpy(read_idx(f"{args.data}/train-labels-idx1-ubyte")[: args.rows].astype("int64"))
    x_test = images("t10k-images-idx3-ubyte", 10000)

    y_test = torch.from_numpy(read_idx(f"{args.data}/t10k-labels-idx1-ubyte").astype("int64"))

    model = build(args.layers)
    steps = -(-len(x) // args.batch)

    def optimizer_and_schedule():
        if args.optimizer == "adam":
            rule = torch.optim.Adam(model.parameters(), lr=args.learning_rate,
                                    betas=(args.beta1, args.beta2), weight_decay=args.weight_decay)
        else:
            rule = torch.optim.SGD(model.parameters(), lr=args.learning_rate,
                                   momentum=args.momentum, weight_decay=args.weight_decay)
        schedule = (torch.optim.lr_scheduler.OneCycleLR(rule, max_lr=args.learning_rate,
                                                         total_steps=steps, cycle_momentum=False)
                    if args.schedule == "onecycle" else None)
        return rule, schedule

    optimizer, schedule = optimizer_and_schedule()
    loss_of = torch.nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    run = prepare(model, args)

    def step(index):
        optimizer.zero_grad()
        loss = loss_of(run(images_as(x[index], args)), y[index])
        loss.backward()
        optimizer.step()
        if schedule is not None:
            schedule.step()

    model.train()
    compile_seconds = 0.0
    if args.compile:
        compile_seconds = compile_off_the_clock(
            model, run, step, {args.batch, len(x) % args.batch} - {0},
            lambda: run(images_as(x_test[:1000], args)))
        optimizer, schedule = optimizer_and_schedule()

    start = time.perf_counter()
    order = torch.randperm(len(x))
    for s in range(0, len(x), args.batch):
        step(order[s : s + args.batch])
    epoch_seconds = time.perf_counter() - start

    run.eval()
    with torch.no_grad():
        start = time.perf_counter()
        predicted = torch.cat([
            torch.softmax(run(images_as(x_test[s : s + 1000], args)), dim=1).argmax(dim=1)
            for s in range(0, len(x_test), 1000)
        ])
        classify_seconds = time.perf_counter() - start
    print(json.dumps({
        **facts(),
        "compile": args.compile,
        "channelsLast": args.channels_last,
        "compileSeconds": compile_seconds,
        "testAccuracy": float((predicted == y_test).float().mean()),
        "threads": torch.get_num_threads(),
        "rows": len(x),
        "epochSeconds": epoch_seconds,
        "classifySeconds": classify_seconds,
    }))


if __name__ == "__main__":
    main()
