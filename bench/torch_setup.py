"""What the PyTorch peers share: the configuration flags a PyTorch user would reach for on a CPU, and
the facts of the build that explain its speed.

- --compile wraps the model in torch.compile (Inductor); the first batches, which compile, run
  before the clock starts and their time is printed apart;
- --channels-last keeps images and convolution weights in NHWC, the layout oneDNN prefers;
- the CPU kernels' instruction set is chosen by the ATEN_CPU_CAPABILITY environment variable
  (default, avx2, avx512), which must be set before torch starts: the driver (torch_best.py) runs
  each setting in a process of its own.
"""

import re
import time

import torch


def add_flags(parser):
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--channels-last", action="store_true")


def facts():
    """The build's facts that matter for speed: BLAS, oneDNN, the CPU kernels' instruction set."""
    shown = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=(\w+)", shown)
    onednn = re.search(r"MKL-DNN v([\d.]+)", shown)
    return {
        "torch": torch.__version__,
        "blas": blas.group(1) if blas else "unknown",
        "onednn": onednn.group(1) if onednn and torch.backends.mkldnn.is_available() else "none",
        "capability": torch.backends.cpu.get_cpu_capability(),
    }


def prepare(model, args):
    """The model as the flags ask: channels-last, compiled."""
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    return torch.compile(model) if args.compile else model


def images_as(x, args):
    """A batch of images in the layout the flags ask for."""
    return x.contiguous(memory_format=torch.channels_last) if args.channels_last and x.dim() == 4 else x


def compile_off_the_clock(model, run, step, batches, classify):
    """Runs a compiled model's first steps — one batch of each size in `batches`, then `classify` —
    so that Inductor compiles before the clock starts; then puts the weights back, so that the
    timed epoch starts where the other configurations' do. Returns the seconds it took; the caller
    makes a fresh optimizer."""
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    start = time.perf_counter()
    for rows in batches:
        step(torch.arange(rows))
    with torch.no_grad():
        run.eval()
        classify()
        run.train()
    seconds = time.perf_counter() - start
    model.load_state_dict(saved)
    return seconds
