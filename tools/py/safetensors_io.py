"""Reading and writing safetensors files with NumPy (no safetensors package).

The format: 8 bytes of little-endian header length, a JSON header mapping
tensor names to {dtype, shape, data_offsets}, then the raw row-major data.

BF16 has no NumPy dtype: `read` widens it to float32 (exactly), and `write`
takes a `Raw` tensor (dtype code, shape, bytes) for it, e.g. from
`bf16_bytes`.
"""
import collections
import json
import struct

import numpy as np

# A tensor given as its safetensors dtype code, shape and raw bytes.
Raw = collections.namedtuple("Raw", ["dtype", "shape", "data"])


def bf16_bytes(array):
    """The bytes of `array` rounded to bfloat16 (to nearest, ties to even)."""
    bits = np.ascontiguousarray(array, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16).tobytes()

_TO_NUMPY = {
    "F32": np.float32,
    "F64": np.float64,
    "F16": np.float16,
    "I32": np.int32,
    "I64": np.int64,
    "BOOL": np.bool_,
}
_FROM_NUMPY = {np.dtype(v): k for k, v in _TO_NUMPY.items()}


def write(path, tensors, metadata=None):
    """Writes a dict name -> numpy array (in the given order)."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    offset = 0
    blobs = []
    for name, array in tensors.items():
        if isinstance(array, Raw):
            header[name] = {
                "dtype": array.dtype,
                "shape": list(array.shape),
                "data_offsets": [offset, offset + len(array.data)],
            }
            offset += len(array.data)
            blobs.append(bytes(array.data))
            continue
        # Not np.ascontiguousarray: it turns a 0-d array (a scalar such as
        # Adam's step) into shape [1], which no longer matches the model.
        array = np.asarray(array, order="C")
        if array.dtype not in _FROM_NUMPY:
            raise ValueError(f"{name}: dtype {array.dtype} has no safetensors code")
        blob = array.tobytes()
        header[name] = {
            "dtype": _FROM_NUMPY[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read(path):
    """Returns (dict name -> numpy array, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    metadata = header.pop("__metadata__", {})
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if info["dtype"] == "BF16":
            raw = np.frombuffer(data[base + begin : base + end], dtype=np.uint16)
            wide = (raw.astype(np.uint32) << 16).view(np.float32)
            tensors[name] = wide.reshape(info["shape"]).copy()
            continue
        dtype = _TO_NUMPY[info["dtype"]]
        array = np.frombuffer(data[base + begin : base + end], dtype=dtype)
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors, metadata
