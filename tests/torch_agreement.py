"""PyTorch's side of tests/export_test.ts: builds the torch.nn network that a safetensors file the
project exported names in its metadata, loads the file with load_state_dict (strict: every name and
shape must match, no transpose), and writes its softmax outputs for the images given.

Usage: python3 tests/torch_agreement.py MODEL.safetensors IMAGES.f32 OUT.f32
  IMAGES.f32: rows x 784 float32, little endian; OUT.f32: rows x classes float32.
"""

import json
import re
import sys

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file


def main():
    model_path, images_path, out_path = sys.argv[1:4]
    with safe_open(model_path, framework="pt") as f:
        metadata = f.metadata()
    model = eval(metadata["pytorch"], {"nn": torch.nn})
    model.load_state_dict(load_file(model_path), strict=True)
    model.eval()
    # "784 float32 pixels …" for the MLP, "1×28×28 float32 pixels …" for a network of layers.
    shape = [int(n) for n in re.match(r"[\d×]+", metadata["input"]).group(0).split("×")]
    images = torch.from_numpy(np.fromfile(images_path, dtype="<f4")).reshape(-1, *shape)
    with torch.no_grad():
        probabilities = torch.softmax(model(images), dim=1)
    probabilities.numpy().astype("<f4").tofile(out_path)
    print(json.dumps({"torch": torch.__version__, "rows": len(images), "modules": len(model)}))


if __name__ == "__main__":
    main()
