"""PyTorch at its best on this CPU, for one network: tries every configuration a PyTorch user would
reach for, on a short run each, keeps the fastest and runs it in full.

The configurations: eager and channels-last (convolutional networks only), on 1 thread and one
per core, with each of the CPU kernels' instruction sets this processor has (ATEN_CPU_CAPABILITY:
the default, and AVX-512 where the CPU has it, else AVX2); then torch.compile with the fastest of
those. Each runs in a process of its own, since torch reads the capability once when it starts. Prints one JSON line: the fastest configuration's
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
    # Any other flag (the learning rate, the batch, …) goes to every run as it is.
    args, passed = parser.parse_known_args()

    script = "torch_cnn.py" if args.network == "cnn" else "torch_mlp.py"
    base = ["--data", args.data, *passed] + (["--layers", args.layers] if args.network == "cnn" else [])
    layouts = [[], ["--channels-last"]] if args.network == "cnn" else [[]]

    def name_of(flags, capability):
        threads = int(flags[flags.index("--threads") + 1])
        return ", ".join(filter(None, [
            "torch.compile" if "--compile" in flags else "eager",
            "channels-last" if "--channels-last" in flags else "",
            f"{threads} thread{'' if threads == 1 else 's'}",
            f"ATEN_CPU_CAPABILITY={capability}" if capability else "",
        ]))

    def seconds(result):
        epoch = result["epochSeconds"]
        return epoch[0] if isinstance(epoch, list) else epoch

    rows = ["--rows", str(args.trial_rows)] if args.network == "cnn" else []
    trials = []

    def trial(flags, capability):
        try:
            result = run(script, base + rows + flags, capability)
            trials.append((seconds(result), name_of(flags, capability), flags, capability))
        except RuntimeError as error:
            print(f"{name_of(flags, capability)}: {error}", file=sys.stderr)

    # Eager first, every thread count, layout and instruction set (each trial takes seconds);
    # then torch.compile (each compile takes tens of seconds) with the eager winner's settings.
    for capability in capabilities():
        for threads in sorted({1, os.cpu_count()}):
            for layout in layouts:
                trial(["--threads", str(threads), *layout], capability)
    trials.sort(key=lambda t: t[0])
    trial(trials[0][2] + ["--compile"], trials[0][3])
    trials.sort(key=lambda t: t[0])
    _, name, flags, capability = trials[0]
    full = ["--rows", str(args.rows)] if args.network == "cnn" else []
    best = run(script, base + full + flags, capability)
    best["epochSeconds"] = seconds(best)
    best["configuration"] = name
    # How to run it again: the flags, and the instruction set asked for (null: torch's default).
    best["flags"] = flags
    best["atenCpuCapability"] = capability
    best["trials"] = {n: round(s, 3) for s, n, _, _ in trials}
    print(json.dumps(best))


if __name__ == "__main__":
    main()
