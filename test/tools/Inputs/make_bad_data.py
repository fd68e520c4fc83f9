"""Writes data files that do not match models/mlp.mlir (x: [N, 8] f32,
y: [N, 1] f32), one per way of not matching. Usage: make_bad_data.py PREFIX"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402

prefix = sys.argv[1]
x = np.zeros((10, 8), np.float32)
y = np.zeros((10, 1), np.float32)
safetensors_io.write(prefix + ".names.safetensors", {"inputs": x, "y": y})
safetensors_io.write(prefix + ".shape.safetensors", {"x": np.zeros((10, 7), np.float32), "y": y})
safetensors_io.write(prefix + ".dtype.safetensors", {"x": x.astype(np.float64), "y": y})
safetensors_io.write(prefix + ".rows.safetensors", {"x": x, "y": np.zeros((9, 1), np.float32)})
with open(prefix + ".garbage.safetensors", "wb") as f:
    f.write(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")

# For models/digits_mlp.mlir (x: [N, 64] f32, y: [N] i64): a label outside
# the 10 classes in row 57.
labels = np.zeros(100, np.int64)
labels[57] = 12
safetensors_io.write(prefix + ".label.safetensors",
                     {"x": np.zeros((100, 64), np.float32), "y": labels})

# models/mlp.mlir data with a NaN input in row 3 (evaluation must stop), a
# data set smaller than a batch of models/digits_mlp.mlir (10 rows, batch
# 50), and a data set for a model whose first input is x: [N, 3, 1].
x_nan = np.zeros((10, 8), np.float32)
x_nan[3, 2] = np.nan
safetensors_io.write(prefix + ".nan.safetensors", {"x": x_nan, "y": y})
safetensors_io.write(prefix + ".small.safetensors",
                     {"x": np.zeros((10, 64), np.float32), "y": np.zeros(10, np.int64)})
safetensors_io.write(prefix + ".x0.safetensors", {"x0": np.zeros((12, 3, 1), np.float32)})
safetensors_io.write(prefix + ".x.safetensors", {"x": np.zeros((12, 3, 1), np.float32)})
