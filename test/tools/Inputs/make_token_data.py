"""Writes token files for test/tools/Inputs/window-probe.mlir (windows of 4
tokens at shifts 0 and 2, vocabulary 1000). Usage: make_token_data.py PREFIX

  PREFIX.ids.safetensors     tokens[i] = i, 40 tokens: a loss reveals the window
  PREFIX.six.safetensors     6 tokens: exactly one window (4 tokens + shift 2)
  PREFIX.five.safetensors    5 tokens: shorter than one window
  PREFIX.vocab.safetensors   token 17 is 1000, outside the vocabulary
  PREFIX.negative.safetensors  token 3 is -2
  PREFIX.i64.safetensors     the stream as i64, not a token file's i32
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402

prefix = sys.argv[1]
meta = {"mlc.tokenizer": "test", "mlc.vocab": "1000"}


def write(name, tokens):
    safetensors_io.write(f"{prefix}.{name}.safetensors", {"tokens": tokens}, meta)


ids = np.arange(40, dtype=np.int32)
write("ids", ids)
write("six", ids[:6])
write("five", ids[:5])
bad = ids.copy()
bad[17] = 1000
bad[30] = 5000
write("vocab", bad)
negative = ids.copy()
negative[3] = -2
write("negative", negative)
write("i64", ids.astype(np.int64))
