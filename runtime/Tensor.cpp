// Element types and tensor descriptions shared by the runtime pieces.
#include "runtime/Tensor.h"

namespace mlc::rt {

size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::f32:
  case DType::i32:
    return 4;
  case DType::f64:
  case DType::i64:
    return 8;
  case DType::bf16:
  case DType::f16:
    return 2;
  case DType::i1:
    return 1;
  }
  return 0;
}

const char *dtypeName(DType dtype) {
  if (!isKnownDType(dtype))
    return "unknown";
  return fb::EnumNameDType(dtype);
}

bool isKnownDType(DType dtype) {
  return static_cast<unsigned>(dtype) <= static_cast<unsigned>(DType::MAX);
}

int64_t TensorDesc::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string TensorDesc::str() const {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + dtypeName(dtype);
}

} // namespace mlc::rt
