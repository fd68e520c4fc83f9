"""Variants of a parameter file for test/tools/export-hf-errors.test.
Usage: make_bad_params.py PARAMS PREFIX

  PREFIX.missing   without transformer.ln_f.bias
  PREFIX.shape     transformer.wte.weight transposed
  PREFIX.dtype     transformer.wpe.weight as f64
  PREFIX.extra     with a tensor 'surplus' that is no optimizer state
  PREFIX.state     with optimizer state beside the parameters (exports)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402

params, _ = safetensors_io.read(sys.argv[1])
prefix = sys.argv[2]


def write(case, change):
    t = dict(params)
    change(t)
    safetensors_io.write(f"{prefix}.{case}.safetensors", t)


write("missing", lambda t: t.pop("transformer.ln_f.bias"))
write("shape", lambda t: t.update({"transformer.wte.weight": t["transformer.wte.weight"].T.copy()}))
write("dtype", lambda t: t.update({"transformer.wpe.weight": t["transformer.wpe.weight"].astype(np.float64)}))
write("extra", lambda t: t.update({"surplus": np.zeros(2, np.float32)}))
write("state", lambda t: t.update({"step": np.array(3, np.int64),
                                   "transformer.wte.weight.exp_avg": np.zeros_like(t["transformer.wte.weight"])}))
