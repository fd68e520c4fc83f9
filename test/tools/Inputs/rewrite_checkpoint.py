"""Reads a safetensors file with tools/py/safetensors_io.py and writes it
back, optionally changing its metadata.
Usage: rewrite_checkpoint.py IN OUT [KEY=VALUE | -KEY]...
  KEY=VALUE sets a metadata string, -KEY removes it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402

source, target, *changes = sys.argv[1:]
tensors, metadata = safetensors_io.read(source)
for change in changes:
    if change.startswith("-"):
        metadata.pop(change[1:], None)
    else:
        key, value = change.split("=", 1)
        metadata[key] = value
safetensors_io.write(target, tensors, metadata)
