"""Writes token data for Inputs/embedding-lm.mlir (ids, next: [N, 3] i64,
vocabulary 5): PREFIX.ok.safetensors with ids in range, and
PREFIX.bad.safetensors where row 5, position 1 holds id 9.
Usage: make_ids_data.py PREFIX"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402

prefix = sys.argv[1]
ids = (np.arange(24, dtype=np.int64) % 5).reshape(8, 3)
following = (ids + 1) % 5
safetensors_io.write(prefix + ".ok.safetensors", {"ids": ids, "next": following})
bad = ids.copy()
bad[5, 1] = 9
safetensors_io.write(prefix + ".bad.safetensors", {"ids": bad, "next": following})
