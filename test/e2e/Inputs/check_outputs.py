"""Data and checks for eval-outputs.test (NumPy references).

  check_outputs.py make DIR
      writes DIR/data.safetensors (16 rows of x [5] and labels y) and
      DIR/params.safetensors (w [5, 3], b [3])
  check_outputs.py logits OUT PARAMS DATA FIRST ROWS
      OUT (mlc-run --save-outputs) holds the logits x @ w + b of rows
      [FIRST, FIRST + ROWS) of DATA and their mean cross-entropy, to 1e-6
  check_outputs.py same-eval-loss A B
      the last eval losses of two metrics files agree to 1e-6
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402


def close(label, got, want, tolerance=1e-6):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    err = np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30)
    print(f"{label}: relative error {err:.3g}")
    if got.shape != want.shape or not err <= tolerance:
        print(f"FAILED: {label}: got {got.shape}, want {want.shape}")
        sys.exit(1)


def last_eval_loss(path):
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r for r in rows if r["phase"] == "eval"][-1]["loss"]


def main(argv):
    if argv[1] == "make":
        rng = np.random.default_rng(7)
        safetensors_io.write(os.path.join(argv[2], "data.safetensors"), {
            "x": rng.standard_normal((16, 5)).astype(np.float32),
            "y": rng.integers(0, 3, size=16).astype(np.int64)})
        safetensors_io.write(os.path.join(argv[2], "params.safetensors"), {
            "w": rng.standard_normal((5, 3)).astype(np.float32),
            "b": rng.standard_normal(3).astype(np.float32)})
    elif argv[1] == "logits":
        out, _ = safetensors_io.read(argv[2])
        params, _ = safetensors_io.read(argv[3])
        data, _ = safetensors_io.read(argv[4])
        first, rows = int(argv[5]), int(argv[6])
        x = data["x"][first:first + rows].astype(np.float64)
        y = data["y"][first:first + rows]
        logits = x @ params["w"] + params["b"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        close("logits", out["logits"], logits)
        close("loss", out["loss"], -log_probs[np.arange(rows), y].mean())
    elif argv[1] == "same-eval-loss":
        close("eval loss", last_eval_loss(argv[2]), last_eval_loss(argv[3]))
    else:
        sys.exit(f"unknown command {argv[1]}")


if __name__ == "__main__":
    main(sys.argv)
