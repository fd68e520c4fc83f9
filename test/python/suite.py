"""What the reference suites (*_test.py) share: their command line, a runner
of mlc's tools in a work folder, and the comparison they report.

A suite is a list of case names and a function that runs one case with a
Runner and returns whether it passed. main() gives it the command line
CMake and people use:

  <suite>_test.py --bin BUILD/bin --case NAME [--keep DIR]
  <suite>_test.py --list          (the case names, ';'-separated)

Each case runs in a fresh temporary folder (or DIR with --keep, to look at
the files afterwards), with torch seeded, and the exit code is 0 only if it
passed. The tools print their output only when they fail, which stops the
case with the command line and what the tool said. The e2e suite's
NumPy checks (test/e2e/Inputs) use the runner and comparisons too; only
main() needs torch.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402,F401  (re-exported for the suites)


def fail(message):
    """Ends the case: FAILED and the message on stdout, exit code 1."""
    print("FAILED: " + message)
    sys.exit(1)


def tensor_type(shape, element="f32"):
    """The MLIR tensor type of `shape`: tensor<2x3xf32>."""
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def relative_error(got, want):
    """||got - want|| / ||want||, norm-wise over all elements, in float64."""
    got = np.asarray(got, np.float64).ravel()
    want = np.asarray(want, np.float64).ravel()
    return np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30)


def check(label, got, want, tolerance):
    """Prints and returns whether `got` has the shape of `want` and agrees
    with it to `tolerance` (relative_error)."""
    if np.shape(got) != np.shape(want):
        print(f"FAILED: {label}: shape {np.shape(got)}, expected {np.shape(want)}")
        return False
    err = relative_error(got, want)
    ok = err <= tolerance
    print(f"{'ok' if ok else 'FAILED'}: {label}: relative error {err:.3g} "
          f"(tolerance {tolerance:g})")
    return ok


class Runner:
    """Runs mlc's tools from one build folder (or from PATH, for bin_dir
    None: lit puts the build's tools there) on files in one work folder."""

    def __init__(self, bin_dir, work):
        self.bin = bin_dir
        self.work = work

    def path(self, name):
        return os.path.join(self.work, name)

    def run(self, tool, *args):
        """`tool` (mlc, mlc-run, ...) with `args`; its stdout. A failure
        ends the case."""
        cmd = [os.path.join(self.bin, tool) if self.bin else tool, *args]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"{' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def compile(self, source, train, name="model"):
        """Writes `source` to NAME.mlir and compiles it with `--train
        train`; the executable's path."""
        model, exe = self.path(f"{name}.mlir"), self.path(f"{name}.mlcx")
        with open(model, "w") as f:
            f.write(source)
        self.run("mlc", "compile", model, "--train", train, "-o", exe)
        return exe

    def train(self, exe, data, init, steps, save="--save"):
        """`steps` steps of `exe` on `data` read in order, from the
        parameters `init`, on one thread: the tensors written with `save`
        (--save: parameters and optimizer state, or --save-params) and the
        train record of every step (metrics JSON)."""
        out, metrics = self.path("out.safetensors"), self.path("metrics.jsonl")
        self.run("mlc-run", exe, "--data", data, "--steps", str(steps), "--sample", "sequential",
                 "--init-from", init, save, out, "--log-every", "1", "--metrics", metrics,
                 "--threads", "1", "--no-progress")
        with open(metrics) as f:
            records = [json.loads(line) for line in f if '"train"' in line]
        return safetensors_io.read(out)[0], records


def main(doc, cases, run_case, torch_threads=None, runner_class=Runner):
    """The command line of a suite whose docstring is `doc`: runs
    `run_case(runner, name)` for --case NAME with a `runner_class` (Runner
    or a suite's own subclass) and torch on `torch_threads` threads (its
    default if None); returns the exit code."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--bin", help="folder with mlc and mlc-run")
    parser.add_argument("--case")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--keep", help="keep the files in this folder")
    args = parser.parse_args()
    if args.list:
        print(";".join(cases))
        return 0
    if args.case not in cases:
        sys.exit(f"unknown case {args.case}; known: {', '.join(cases)}")
    import torch  # here, so that scripts without torch can use the rest

    torch.manual_seed(0)
    if torch_threads:
        torch.set_num_threads(torch_threads)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        ok = run_case(runner_class(args.bin, work), args.case)
    return 0 if ok else 1
