"""Writes a sparse data file for models/mlp.mlir (x: [N, 8] f32, y: [N, 1]
f32) whose header declares 2^33 rows: 288 GiB, far more than the memory of
the machines the tests run on, but only a few KiB on disk.
Usage: make_huge_data.py PATH"""
import json
import struct
import sys

rows = 1 << 33
x_bytes, y_bytes = rows * 8 * 4, rows * 4
header = {
    "x": {"dtype": "F32", "shape": [rows, 8], "data_offsets": [0, x_bytes]},
    "y": {"dtype": "F32", "shape": [rows, 1],
          "data_offsets": [x_bytes, x_bytes + y_bytes]},
}
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    f.truncate(8 + len(text) + x_bytes + y_bytes)
