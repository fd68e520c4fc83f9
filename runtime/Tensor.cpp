// Element types and tensor descriptions shared by the runtime pieces.
#include "runtime/Tensor.h"

namespace mlc::rt {

size_t dtypeSize(DType dtype) {
  return static_cast<size_t>(fb::elementBytes(dtype));
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
