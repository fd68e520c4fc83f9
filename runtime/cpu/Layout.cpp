// Data-movement CPU kernels: copy, reshape, broadcast_to and transpose.
//
// They only move bits, so each is instantiated per element size rather than
// per dtype. Single-threaded, like every kernel outside OpenBLAS.
#include "runtime/cpu/KernelUtil.h"

#include <algorithm>
#include <cstring>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;

/// Side of the square tiles a transpose copies, so that both the reads and
/// the writes of a tile stay in cache.
constexpr int64_t kTile = 32;

template <typename T>
void copyRow(T *out, const T *in, int64_t stride, int64_t n) {
  if (stride == 1) {
    std::memcpy(out, in, static_cast<size_t>(n) * sizeof(T));
  } else if (stride == 0) {
    std::fill(out, out + n, *in);
  } else {
    for (int64_t i = 0; i < n; ++i)
      out[i] = in[i * stride];
  }
}

/// Copies the operand, read through `strides` (one per result dim), into
/// the contiguous result.
template <typename T>
CommandOr makeStridedCopy(const TensorRef &operand, const TensorRef &result,
                          const Shape &strides) {
  const T *in = operand.as<const T>();
  T *out = result.as<T>();
  return makeCommand([plan = makeStridedPlan(result.desc->shape, {strides}), in,
                      out, counter = Shape()]() mutable {
    plan.forEachRow(counter, [&](const StridedPlan::Offsets &at, int64_t o) {
      copyRow(out + o, in + at[0], plan.innerStride[0], plan.inner);
    });
    return Status::ok();
  });
}

/// A transpose whose innermost result row is strided in the operand: it
/// is copied in kTile x kTile tiles spanning the result's innermost dim
/// and the dim that is contiguous in the operand.
struct TiledTranspose {
  int64_t rows = 0;         ///< Extent of the operand-contiguous dim.
  int64_t cols = 0;         ///< Extent of the result-contiguous dim.
  int64_t inColStride = 0;  ///< Operand stride along cols.
  int64_t outRowStride = 0; ///< Result stride along rows.
  Shape otherDims;          ///< The remaining dims, outermost first.
  Shape otherIn, otherOut;  ///< Their operand and result strides.

  template <typename T> void run(const T *in, T *out, Shape &counter) const;
};

/// Plans a tiled transpose from the merged dims of `plan`, or returns
/// nothing when rows are already contiguous in the operand.
std::optional<TiledTranspose> planTiled(const StridedPlan &plan) {
  if (plan.total == 0 || plan.innerStride[0] == 1 || plan.inner < kTile)
    return std::nullopt;
  size_t depth = plan.outerDims.size();
  Shape outStrides(depth);
  int64_t stride = plan.inner;
  for (size_t d = depth; d-- > 0;) {
    outStrides[d] = stride;
    stride *= plan.outerDims[d];
  }
  TiledTranspose tiled;
  tiled.cols = plan.inner;
  tiled.inColStride = plan.innerStride[0];
  for (size_t d = 0; d < depth; ++d) {
    if (plan.outerStrides[d][0] == 1 && tiled.rows == 0) {
      tiled.rows = plan.outerDims[d];
      tiled.outRowStride = outStrides[d];
      continue;
    }
    tiled.otherDims.push_back(plan.outerDims[d]);
    tiled.otherIn.push_back(plan.outerStrides[d][0]);
    tiled.otherOut.push_back(outStrides[d]);
  }
  if (tiled.rows < kTile)
    return std::nullopt;
  return tiled;
}

template <typename T>
void TiledTranspose::run(const T *in, T *out, Shape &counter) const {
  size_t depth = otherDims.size();
  counter.assign(depth, 0);
  int64_t inAt = 0, outAt = 0;
  int64_t count = product(otherDims);
  for (int64_t n = 0; n < count; ++n) {
    for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
      int64_t r1 = std::min(rows, r0 + kTile);
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        int64_t c1 = std::min(cols, c0 + kTile);
        for (int64_t r = r0; r < r1; ++r) {
          const T *src = in + inAt + r;
          T *dst = out + outAt + r * outRowStride;
          for (int64_t c = c0; c < c1; ++c)
            dst[c] = src[c * inColStride];
        }
      }
    }
    for (size_t d = depth; d-- > 0;) {
      if (++counter[d] < otherDims[d]) {
        inAt += otherIn[d];
        outAt += otherOut[d];
        break;
      }
      inAt -= otherIn[d] * (otherDims[d] - 1);
      outAt -= otherOut[d] * (otherDims[d] - 1);
      counter[d] = 0;
    }
  }
}

template <typename T>
CommandOr makeTranspose(const TensorRef &operand, const TensorRef &result,
                        const Shape &strides) {
  StridedPlan plan = makeStridedPlan(result.desc->shape, {strides});
  std::optional<TiledTranspose> tiled = planTiled(plan);
  if (!tiled)
    return makeStridedCopy<T>(operand, result, strides);
  const T *in = operand.as<const T>();
  T *out = result.as<T>();
  return makeCommand(
      [tiled = std::move(*tiled), in, out, counter = Shape()]() mutable {
        tiled.run(in, out, counter);
        return Status::ok();
      });
}

/// Operand strides seen from the result dims: result dim i walks operand
/// dim perm[i].
Shape permutedStrides(const Shape &operand,
                      const flatbuffers::Vector<int64_t> &perm) {
  Shape own = contiguousStrides(operand);
  Shape strides(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    strides[i] = own[static_cast<size_t>(perm[i])];
  return strides;
}

CommandOr makeMemmove(const TensorRef &operand, const TensorRef &result) {
  const void *in = operand.data;
  void *out = result.data;
  size_t bytes = result.desc->byteSize();
  return makeCommand([in, out, bytes]() {
    if (bytes != 0 && in != out)
      std::memmove(out, in, bytes);
    return Status::ok();
  });
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

Status checkReshape(const TensorDesc &operand, const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectDType(result, operand.dtype, "result"));
  if (operand.numElements() != result.numElements())
    return Status::error("result " + result.str() + " has " +
                         std::to_string(result.numElements()) +
                         " elements, operand " + operand.str() + " has " +
                         std::to_string(operand.numElements()));
  return Status::ok();
}

Status checkBroadcastTo(const TensorDesc &operand, const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectDType(result, operand.dtype, "result"));
  if (!broadcastsTo(operand.shape, result.shape))
    return Status::error("operand shape " + shapeStr(operand.shape) +
                         " does not broadcast to result shape " +
                         shapeStr(result.shape));
  return Status::ok();
}

Status checkPermutation(const flatbuffers::Vector<int64_t> *perm, size_t rank) {
  if (!perm)
    return Status::error("perm is missing");
  Shape values(perm->begin(), perm->end());
  std::string found = "perm " + listStr(values);
  if (values.size() != rank)
    return Status::error(found + " has " + std::to_string(values.size()) +
                         " entries, expected " + std::to_string(rank) +
                         " (the operand rank)");
  std::vector<bool> seen(rank, false);
  for (int64_t p : values) {
    if (p < 0 || static_cast<uint64_t>(p) >= rank || seen[p])
      return Status::error(found + " is not a permutation of [0, " +
                           std::to_string(rank) + ")");
    seen[p] = true;
  }
  return Status::ok();
}

Status checkTranspose(const fb::CpuKernel &kernel, const TensorDesc &operand,
                      const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectDType(result, operand.dtype, "result"));
  MLC_RETURN_IF_ERROR(checkPermutation(kernel.perm(), operand.shape.size()));
  Shape expected;
  for (int64_t p : *kernel.perm())
    expected.push_back(operand.shape[static_cast<size_t>(p)]);
  if (result.shape != expected)
    return Status::error(
        "result shape is " + shapeStr(result.shape) + ", expected " +
        shapeStr(expected) + " (operand " + shapeStr(operand.shape) +
        " permuted by " +
        listStr(Shape(kernel.perm()->begin(), kernel.perm()->end())) + ")");
  return Status::ok();
}

} // namespace

Status checkLayout(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 1, 1));
  const TensorDesc &operand = *operands[0];
  const TensorDesc &result = *results[0];
  switch (kernel.op()) {
  case K::copy:
    return expectResult(result, operand);
  case K::reshape:
    return checkReshape(operand, result);
  case K::broadcast_to:
    return checkBroadcastTo(operand, result);
  case K::transpose:
    return checkTranspose(kernel, operand, result);
  default:
    return Status::error("not a layout op");
  }
}

CommandOr prepareLayout(const fb::CpuKernel &kernel,
                        const std::vector<TensorRef> &operands,
                        const std::vector<TensorRef> &results) {
  const TensorRef &operand = operands[0];
  const TensorRef &result = results[0];
  switch (kernel.op()) {
  case K::copy:
  case K::reshape:
    return makeMemmove(operand, result);
  case K::broadcast_to: {
    Shape strides = broadcastStrides(operand.desc->shape, result.desc->shape);
    return visitBits(result.desc->dtype, [&](auto tag) {
      return makeStridedCopy<decltype(tag)>(operand, result, strides);
    });
  }
  case K::transpose: {
    Shape strides = permutedStrides(operand.desc->shape, *kernel.perm());
    return visitBits(result.desc->dtype, [&](auto tag) {
      return makeTranspose<decltype(tag)>(operand, result, strides);
    });
  }
  default:
    return Status::error("not a layout op");
  }
}

} // namespace mlc::rt::cpu
