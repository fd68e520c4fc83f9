"""Asserts that a checkpoint exists, records a step, and holds only finite
values. Usage: check_checkpoint_finite.py FILE"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402

tensors, metadata = safetensors_io.read(sys.argv[1])
assert int(metadata["mlc.step"]) >= 1, metadata
assert "w1" in tensors, sorted(tensors)
for name, value in tensors.items():
    assert np.all(np.isfinite(value)), f"{name} is not finite"
print(f"checkpoint at step {metadata['mlc.step']}: {len(tensors)} finite tensors")
