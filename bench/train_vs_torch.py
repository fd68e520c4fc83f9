"""Training throughput of mlc-run against an eager PyTorch loop doing the same
work (same model, batch, optimizer and number of steps), measured in one run
so the ratio holds on a noisy machine.

Usage: /usr/bin/python3 bench/train_vs_torch.py [--bin build/bin] [--threads 1]

Prints one line per workload with both times and the ratio (torch / mlc,
higher is better for mlc). Absolute numbers depend on the machine; the
ratio is the result. OPENBLAS_CORETYPE is left as the environment sets it.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "py"))
import safetensors_io  # noqa: E402

WORKLOADS = [
    # name, model, train spec, data, steps, torch loss kind, batch
    ("mlp-regression-b1", "models/mlp.mlir", "sgd,lr=0.1", "data/regression.safetensors", 20000, "mse", 1),
    ("digits-mlp-b50", "models/digits_mlp.mlir", "adamw,lr=3e-3,weight-decay=0.1",
     "data/digits_train.safetensors", 2000, "ce", 50),
]


def mlc_seconds(bin_dir, model, spec, data, steps, threads, work):
    exe = os.path.join(work, "bench.mlcx")
    subprocess.run([os.path.join(bin_dir, "mlc"), "compile", os.path.join(ROOT, model),
                    "--train", spec, "-o", exe], check=True)
    out = subprocess.run([os.path.join(bin_dir, "mlc-run"), exe, "--data", os.path.join(ROOT, data),
                          "--steps", str(steps), "--log-every", str(steps), "--threads", str(threads),
                          "--sample", "sequential", "--no-progress"],
                         check=True, capture_output=True, text=True).stdout
    match = re.search(r"trained \d+ steps in ([0-9.]+)(us|ms|s):", out)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def torch_seconds(data, steps, loss_kind, batch, threads):
    torch.set_num_threads(threads)
    tensors, _ = safetensors_io.read(os.path.join(ROOT, data))
    x, y = torch.tensor(tensors["x"]), torch.tensor(tensors["y"])
    n_in = x.shape[1]
    hidden, n_out = (16, 1) if loss_kind == "mse" else (64, 10)
    w1 = torch.nn.init.kaiming_uniform_(torch.empty(n_in, hidden), a=5 ** 0.5).requires_grad_()
    b1 = torch.zeros(hidden, requires_grad=True)
    w2 = torch.nn.init.kaiming_uniform_(torch.empty(hidden, n_out), a=5 ** 0.5).requires_grad_()
    b2 = torch.zeros(n_out, requires_grad=True)
    params = [w1, b1, w2, b2]
    opt = (torch.optim.SGD(params, lr=0.1) if loss_kind == "mse"
           else torch.optim.AdamW(params, lr=3e-3, weight_decay=0.1))
    n = x.shape[0]
    start = time.perf_counter()
    for s in range(steps):
        rows = torch.arange(s * batch, (s + 1) * batch) % n
        out = torch.relu(x[rows] @ w1 + b1) @ w2 + b2
        if loss_kind == "mse":
            loss = torch.nn.functional.mse_loss(out, y[rows])
        else:
            loss = torch.nn.functional.cross_entropy(out, y[rows])
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()  # mlc-run reads the loss every step too
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    print(f"threads={args.threads} torch={torch.__version__} "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    with tempfile.TemporaryDirectory() as work:
        for name, model, spec, data, steps, kind, batch in WORKLOADS:
            mlc = mlc_seconds(args.bin, model, spec, data, steps, args.threads, work)
            ref = torch_seconds(data, steps, kind, batch, args.threads)
            print(f"{name:20s} steps={steps:6d} batch={batch:3d}  "
                  f"mlc {mlc * 1e6 / steps:8.1f} us/step  torch {ref * 1e6 / steps:8.1f} us/step  "
                  f"torch/mlc {ref / mlc:6.1f}x")


if __name__ == "__main__":
    main()
