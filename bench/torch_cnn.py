"""The PyTorch side of the CNN benchmark: the `cnn` preset's network as a PyTorch user writes it.

conv(32,5) relu maxpool(2) conv(64,5) relu maxpool(2) flatten dense(256) relu dropout(0.5)
dense(10): torch.nn layers, cross-entropy on the logits, mini-batches of 128 with a fresh shuffle,
torch.optim.SGD with momentum 0.9 and weight decay 5e-4, float32 on the CPU. Trains one epoch on
the first --rows training images and prints one JSON line of timings.

Usage: /usr/bin/python3 bench/torch_cnn.py --rows 60000 --threads 2 --data data/mnist
"""

import argparse
import json
import os
import time

import torch

from numpy_mlp import read_idx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--data", default="data/mnist")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(695)

    def images(name, rows):
        pixels = read_idx(f"{args.data}/{name}")[:rows].reshape(-1, 1, 28, 28).astype("float32") / 255.0
        return torch.from_numpy(pixels)

    x = images("train-images-idx3-ubyte", args.rows)
    y = torch.from_numpy(read_idx(f"{args.data}/train-labels-idx1-ubyte")[: args.rows].astype("int64"))
    x_test = images("t10k-images-idx3-ubyte", 10000)

    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(64 * 7 * 7, 256), torch.nn.ReLU(), torch.nn.Dropout(0.5),
        torch.nn.Linear(256, 10),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    loss_of = torch.nn.CrossEntropyLoss()

    model.train()
    start = time.perf_counter()
    order = torch.randperm(len(x))
    for s in range(0, len(x), args.batch):
        index = order[s : s + args.batch]
        optimizer.zero_grad()
        loss = loss_of(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
    epoch_seconds = time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        start = time.perf_counter()
        torch.softmax(model(x_test), dim=1).argmax(dim=1)
        classify_seconds = time.perf_counter() - start
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "rows": len(x),
        "epochSeconds": epoch_seconds,
        "classifySeconds": classify_seconds,
    }))


if __name__ == "__main__":
    main()
