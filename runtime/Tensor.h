// Element types and tensor descriptions shared by the runtime pieces.
#ifndef MLC_RUNTIME_TENSOR_H
#define MLC_RUNTIME_TENSOR_H

#include "runtime/format/Format.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlc::rt {

using DType = fb::DType;

/// Bytes per element of `dtype` (i1 is stored as one byte).
size_t dtypeSize(DType dtype);

/// "f32", "i64", ...
const char *dtypeName(DType dtype);

/// Whether `dtype` is a valid member of the enum.
bool isKnownDType(DType dtype);

/// Shape and element type of a tensor.
struct TensorDesc {
  DType dtype = DType::f32;
  std::vector<int64_t> shape;

  int64_t numElements() const;
  size_t byteSize() const {
    return static_cast<size_t>(numElements()) * dtypeSize(dtype);
  }
  /// "4x3xf32" ("f32" for a scalar).
  std::string str() const;
  bool operator==(const TensorDesc &o) const {
    return dtype == o.dtype && shape == o.shape;
  }
  bool operator!=(const TensorDesc &o) const { return !(*this == o); }
};

/// A tensor in memory the runtime does not own.
struct TensorRef {
  const TensorDesc *desc = nullptr;
  void *data = nullptr;

  template <typename T> T *as() const { return static_cast<T *>(data); }
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_TENSOR_H
