"""Generates data/regression.safetensors: the synthetic regression set of the
first exercise (models/mlp.mlir).

x: 1000 samples of 8 features drawn uniformly from [-1, 1].
y: a fixed smooth function of x plus a little noise:
   y = sin(2 x0) + x1 * x2 + 0.5 x3^2 - 0.3 x4 + 0.05 noise.
Run with Debian's python3 (NumPy): /usr/bin/python3 data/make_regression.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "py"))
import safetensors_io  # noqa: E402

rng = np.random.default_rng(20261129)
n = 1000
x = rng.uniform(-1.0, 1.0, size=(n, 8))
y = (
    np.sin(2.0 * x[:, 0])
    + x[:, 1] * x[:, 2]
    + 0.5 * x[:, 3] ** 2
    - 0.3 * x[:, 4]
    + 0.05 * rng.standard_normal(n)
)
out = os.path.join(os.path.dirname(__file__), "regression.safetensors")
safetensors_io.write(
    out,
    {"x": x.astype(np.float32), "y": y.reshape(n, 1).astype(np.float32)},
    metadata={"source": "data/make_regression.py", "variance_of_y": float(np.var(y.astype(np.float32)))},
)
print(f"wrote {out}: {n} samples, var(y) = {np.var(y):.4f}")
