// cache_write: a KV cache with T slices along one axis replaced at a
// position read at run time. In place when the result is the cache's own
// buffer (only the T slices are written); otherwise the cache is copied
// into the result first.
#include "runtime/cpu/KernelUtil.h"

#include <cstring>

namespace mlc::rt::cpu {

Status checkCache(const fb::CpuKernel &kernel, const Descs &operands,
                  const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 3, 1));
  const TensorDesc &cache = *operands[0], &value = *operands[1],
                   &position = *operands[2];
  MLC_RETURN_IF_ERROR(expectFloat(cache, "cache"));
  MLC_RETURN_IF_ERROR(expectDType(value, cache.dtype, "new values"));
  if (!isInt(position.dtype) || !position.shape.empty())
    return Status::error("position is " + position.str() +
                         ", expected an i32 or i64 scalar");
  MLC_RETURN_IF_ERROR(
      checkAxis(kernel.axis(), cache.shape.size(), "cache axis"));
  size_t axis = static_cast<size_t>(kernel.axis());
  bool fits = value.shape.size() == cache.shape.size();
  for (size_t d = 0; fits && d < cache.shape.size(); ++d)
    fits = d == axis ? value.shape[d] <= cache.shape[d]
                     : value.shape[d] == cache.shape[d];
  if (!fits)
    return Status::error("new values " + shapeStr(value.shape) +
                         " do not fit the cache " + shapeStr(cache.shape) +
                         " along axis " + std::to_string(axis) +
                         " (other dimensions must match)");
  return expectResult(*results[0], cache);
}

CommandOr prepareCache(const fb::CpuKernel &kernel,
                       const std::vector<TensorRef> &operands,
                       const std::vector<TensorRef> &results) {
  const TensorRef cache = operands[0], value = operands[1],
                  position = operands[2], result = results[0];
  size_t axis = static_cast<size_t>(kernel.axis());
  AxisView c = axisView(cache.desc->shape, axis);
  int64_t t = value.desc->shape[axis];
  size_t element = dtypeSize(cache.desc->dtype);
  size_t sliceBytes = static_cast<size_t>(t * c.inner) * element;
  size_t cacheBytes = cache.desc->byteSize();
  DType positionType = position.desc->dtype;
  return makeCommand([=]() -> Status {
    int64_t pos = positionType == DType::i64 ? *position.as<const int64_t>()
                                             : *position.as<const int32_t>();
    auto *out = static_cast<uint8_t *>(result.data);
    const auto *in = static_cast<const uint8_t *>(value.data);
    if (result.data != cache.data && cacheBytes)
      std::memcpy(out, cache.data, cacheBytes);
    if (pos < 0 || pos > c.extent - t) {
      // Reported; the cache stays as it was.
      StatusWord problem;
      problem.problem =
          static_cast<uint32_t>(DataProblem::cache_position_out_of_range);
      problem.op = static_cast<uint32_t>(fb::OpKind::cache_write);
      problem.operand = 2;
      problem.index = static_cast<int64_t>(axis);
      problem.value = pos;
      problem.limit = c.extent;
      problem.extra = t;
      return reportProblem(problem);
    }
    for (int64_t o = 0; o < c.outer; ++o)
      std::memcpy(out + static_cast<size_t>((o * c.extent + pos) * c.inner) *
                            element,
                  in + static_cast<size_t>(o) * sliceBytes, sliceBytes);
    return Status::ok();
  });
}

} // namespace mlc::rt::cpu
