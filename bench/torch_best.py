"""PyTorch at its best on this CPU, for one network: tries every configuration a PyTorch user would
reach for, on a short run each, keeps the fastest and runs it in full.

The configurations: eager, channels-last (convolutional networks only) and torch.compile; 1 thread
and one per core; and the CPU kernels' instruction sets this processor has (ATEN_CPU_CAPABILITY:
the default, and AVX-512 where the CPU has it, else AVX2). Each runs in a process of its own, since
torch reads the capability once when it starts. Prints one JSON line: the fastest configuration's
full run, its name, and every trial's epoch time.

Usage: python3 bench/torch_best.py --network cnn --layers "conv(32,5) relu ..." --trial-rows 6000
       python3 bench/torch_best.py --network mlp
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def capabilities():
    """The instruction sets worth trying: the default, and the widest other one the CPU has."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        flags = ""
    wider = "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else None
    return [None] + ([wider] if wider else [])


def run(script, args, capability):
    env = dict(os.environ)
    if capability:
        env["ATEN_CPU_CAPABILITY"] = capability
    done = subprocess.run([sys.executable, os.path.join(HERE, script), *args], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", choices=["mlp", "cnn"], required=True)
    parser.add_argument("--layers", default="")
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--trial-rows", type=int, default=6000)
    parser.add_argument("--data", default="data/mnist")
    args = parser.parse_args()

    script = "torch_cnn.py" if args.network == "cnn" else "torch_mlp.py"
    base = ["--data", args.data] + (["--layers", args.layers] if args.network == "cnn" else [])
    layouts = [[], ["--channels-last"]] if args.network == "cnn" else [[]]
    configs = []
    for capability in capabilities():
        for threads in sorted({1, os.cpu_count()}):
            for layout in layouts:
                for compiled in [[], ["--compile"]]:
                    flags = ["--threads", str(threads), *layout, *compiled]
                    name = ", ".join(filter(None, [
                        "torch.compile" if compiled else "eager",
                        "channels-last" if layout else "",
                        f"{threads} thread{'' if threads == 1 else 's'}",
                        f"ATEN_CPU_CAPABILITY={capability}" if capability else "",
                    ]))
                    configs.append((name, flags, capability))

    def seconds(result):
        epoch = result["epochSeconds"]
        return epoch[0] if isinstance(epoch, list) else epoch

    rows = ["--rows", str(args.trial_rows)] if args.network == "cnn" else []
    trials = []
    for name, flags, capability in configs:
        try:
            trials.append((seconds(run(script, base + rows + flags, capability)), name, flags,
                           capability))
        except RuntimeError as error:
            print(f"{name}: {error}", file=sys.stderr)
    trials.sort(key=lambda t: t[0])
    _, name, flags, capability = trials[0]
    full = ["--rows", str(args.rows)] if args.network == "cnn" else []
    best = run(script, base + full + flags, capability)
    best["epochSeconds"] = seconds(best)
    best["configuration"] = name
    best["trials"] = {n: round(s, 3) for s, n, _, _ in trials}
    print(json.dumps(best))


if __name__ == "__main__":
    main()
