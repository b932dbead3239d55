"""A network trained in PyTorch, for the project to bring in: trains a small MLP or CNN as a PyTorch
user writes one and saves its state_dict as safetensors, with the project's layer text, the data
set and the training settings in the header's metadata. Notebook 12-export and `deno task
classify --model` then load it as a project model.

The network is an nn.Sequential with one module per project layer (see lib/export/torch_layout.ts),
so its state_dict names (0.weight, 0.bias, 3.weight, ...) are the ones the project reads:

    mlp: "dense(128) relu dense(64) relu"           784-128-64-10 ReLU, Adam
    cnn: "conv(16,5) relu maxpool(2) conv(32,5) relu maxpool(2) flatten dense(128) relu dropout(0.25)"

With --probabilities it also writes the test set's softmax outputs (10,000 x 10 float32, little
endian) beside the model, so a test can check that the project reads the network exactly.

Usage: python3 bench/torch_export.py --kind cnn --epochs 2 --data data/mnist --out data/models/torch-cnn.safetensors
(data/mnist holds the IDX files once the project has loaded MNIST: any notebook, or deno task train.)
"""

import argparse
import json
import os

import torch
from safetensors.torch import save_file

from numpy_mlp import read_idx

LAYERS = {
    "mlp": "dense(128) relu dense(64) relu",
    "cnn": "conv(16,5) relu maxpool(2) conv(32,5) relu maxpool(2) flatten dense(128) relu dropout(0.25)",
}


def network(kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)
        )
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25),
        nn.Linear(128, 10),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["mlp", "cnn"], default="cnn")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N images (0: all)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=695)
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--out", required=True)
    parser.add_argument("--probabilities", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(os.cpu_count())

    def images(name):
        pixels = read_idx(f"{args.data}/{name}").astype("float32") / 255.0
        return torch.from_numpy(pixels.reshape(-1, 1, 28, 28) if args.kind == "cnn" else pixels.reshape(-1, 784))

    x, x_test = images("train-images-idx3-ubyte"), images("t10k-images-idx3-ubyte")
    y = torch.from_numpy(read_idx(f"{args.data}/train-labels-idx1-ubyte").astype("int64"))
    y_test = torch.from_numpy(read_idx(f"{args.data}/t10k-labels-idx1-ubyte").astype("int64"))
    if args.limit:
        x, y = x[: args.limit], y[: args.limit]

    model = network(args.kind)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    loss_of = torch.nn.CrossEntropyLoss()
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(x))
        for s in range(0, len(x), args.batch):
            index = order[s : s + args.batch]
            optimizer.zero_grad()
            loss_of(model(x[index]), y[index]).backward()
            optimizer.step()

    model.eval()
    with torch.no_grad():
        probabilities = torch.softmax(model(x_test), dim=1)
    accuracy = float((probabilities.argmax(dim=1) == y_test).float().mean())
    settings = {
        "epochs": args.epochs,
        "batchSize": args.batch,
        "optimizer": "adam",
        "learningRate": args.learning_rate,
        "seed": args.seed,
        "limitTrainingRows": args.limit or "all",
    }
    metadata = {
        "producer": f"PyTorch {torch.__version__} (bench/torch_export.py)",
        "layers": LAYERS[args.kind],
        "dataset": args.dataset,
        "settings": json.dumps(settings),
        "test_accuracy": f"{accuracy:.4f}",
    }
    state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    save_file(state, args.out, metadata=metadata)
    if args.probabilities:
        probabilities.numpy().astype("<f4").tofile(f"{args.out}.probabilities")
    print(json.dumps({"out": args.out, "testAccuracy": accuracy, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
