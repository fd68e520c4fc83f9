"""Generates data/digits_{train,test}.safetensors from scikit-learn's copy of
the 8x8 handwritten digits (Debian package python3-sklearn).

x: 64 pixel intensities scaled from 0..16 to [0, 1] (f32); y: the digit (i64).
The 1797 samples are shuffled with a fixed seed; the last 300 are held out.
Run with Debian's python3: /usr/bin/python3 data/make_digits.py
"""
import gzip
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "py"))
import safetensors_io  # noqa: E402

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
HELD_OUT = 300

with gzip.open(SOURCE, "rt") as f:
    table = np.loadtxt(f, delimiter=",")
x = (table[:, :64] / 16.0).astype(np.float32)
y = table[:, 64].astype(np.int64)
order = np.random.default_rng(1998).permutation(len(y))
x, y = x[order], y[order]
here = os.path.dirname(__file__)
meta = {"source": "scikit-learn digits.csv.gz (UCI optdigits test set)"}
safetensors_io.write(os.path.join(here, "digits_train.safetensors"),
                     {"x": x[:-HELD_OUT], "y": y[:-HELD_OUT]}, meta)
safetensors_io.write(os.path.join(here, "digits_test.safetensors"),
                     {"x": x[-HELD_OUT:], "y": y[-HELD_OUT:]}, meta)
print(f"wrote digits: {len(y) - HELD_OUT} train, {HELD_OUT} test samples")
