// Data-movement CPU kernels: copy, reshape, broadcast_to, transpose, and
// the axis copies of slice, concat and split.
//
// They only move bits, so each is instantiated per element size rather than
// per dtype. Threads split the result (elements, tiles, rows or bytes);
// every result element is written once, so the thread count cannot change
// what it holds.
#include "runtime/cpu/KernelUtil.h"

#include <algorithm>
#include <cstring>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;

/// Side of the square tiles a transpose copies, so that both the reads and
/// the writes of a tile stay in cache.
constexpr int64_t kTile = 32;

/// Bytes worth a thread of their own in a plain copy (about 20 us).
constexpr int64_t kCopyGrainBytes = 1 << 18;

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
                      out]() {
    parallelSpans(plan, kElementGrain,
                  [&](const StridedPlan::Offsets &at, int64_t o, int64_t n) {
                    copyRow(out + o, in + at[0], plan.innerStride[0], n);
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

  /// Tasks: one band of kTile rows of one entry of the other dims.
  int64_t tasks() const { return product(otherDims) * bands(); }
  int64_t bands() const { return (rows + kTile - 1) / kTile; }
  template <typename T> void run(const T *in, T *out, int64_t task) const;
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
void TiledTranspose::run(const T *in, T *out, int64_t task) const {
  int64_t entry = task / bands(), inAt = 0, outAt = 0;
  for (size_t d = otherDims.size(); d-- > 0;) {
    inAt += entry % otherDims[d] * otherIn[d];
    outAt += entry % otherDims[d] * otherOut[d];
    entry /= otherDims[d];
  }
  const int64_t r0 = task % bands() * kTile, r1 = std::min(rows, r0 + kTile);
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

template <typename T>
CommandOr makeTranspose(const TensorRef &operand, const TensorRef &result,
                        const Shape &strides) {
  StridedPlan plan = makeStridedPlan(result.desc->shape, {strides});
  std::optional<TiledTranspose> tiled = planTiled(plan);
  if (!tiled)
    return makeStridedCopy<T>(operand, result, strides);
  const T *in = operand.as<const T>();
  T *out = result.as<T>();
  return makeCommand([tiled = std::move(*tiled), in, out]() {
    parallelFor(tiled.tasks(), rowGrain(kTile * tiled.cols),
                [&](int64_t begin, int64_t end) {
                  for (int64_t task = begin; task < end; ++task)
                    tiled.run(in, out, task);
                });
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
    if (bytes == 0 || in == out)
      return Status::ok();
    auto from = reinterpret_cast<uintptr_t>(in);
    auto to = reinterpret_cast<uintptr_t>(out);
    if (from < to + bytes && to < from + bytes) {
      std::memmove(out, in, bytes); // overlapping: one ordered move
      return Status::ok();
    }
    parallelFor(static_cast<int64_t>(bytes), kCopyGrainBytes,
                [&](int64_t begin, int64_t end) {
                  std::memcpy(static_cast<uint8_t *>(out) + begin,
                              static_cast<const uint8_t *>(in) + begin,
                              static_cast<size_t>(end - begin));
                });
    return Status::ok();
  });
}

//===----------------------------------------------------------------------===//
// slice, concat, split: runs of bytes copied between rows along one axis
//===----------------------------------------------------------------------===//

/// One operand-to-result copy of an axis kernel: `rows` runs of `runBytes`,
/// read `inRow` bytes apart from `in` and written `outRow` apart to `out`.
struct AxisPiece {
  const uint8_t *in = nullptr;
  uint8_t *out = nullptr;
  int64_t inRow = 0, outRow = 0, runBytes = 0;
};

CommandOr makeAxisCopy(std::vector<AxisPiece> pieces, int64_t rows) {
  int64_t rowBytes = 0;
  for (const AxisPiece &p : pieces)
    rowBytes += p.runBytes;
  return makeCommand([pieces = std::move(pieces), rows, rowBytes]() {
    parallelFor(rows, rowGrain(rowBytes, kCopyGrainBytes),
                [&](int64_t begin, int64_t end) {
                  for (const AxisPiece &p : pieces) {
                    if (p.runBytes == 0)
                      continue;
                    for (int64_t r = begin; r < end; ++r)
                      std::memcpy(p.out + r * p.outRow, p.in + r * p.inRow,
                                  static_cast<size_t>(p.runBytes));
                  }
                });
    return Status::ok();
  });
}

/// Bytes of one step along `axis` (the elements inside it times their size).
int64_t axisStepBytes(const TensorDesc &desc, size_t axis) {
  return product(desc.shape, axis + 1) *
         static_cast<int64_t>(dtypeSize(desc.dtype));
}

CommandOr prepareSlice(const fb::CpuKernel &kernel, const TensorRef &operand,
                       const TensorRef &result) {
  size_t axis = static_cast<size_t>(kernel.axis());
  int64_t step = axisStepBytes(*operand.desc, axis);
  int64_t rows = product(operand.desc->shape, 0, axis);
  AxisPiece piece;
  piece.inRow = operand.desc->shape[axis] * step;
  piece.outRow = piece.runBytes = result.desc->shape[axis] * step;
  if (piece.runBytes != 0 && rows != 0) {
    piece.in =
        static_cast<const uint8_t *>(operand.data) + kernel.start() * step;
    piece.out = static_cast<uint8_t *>(result.data);
  } else {
    piece.runBytes = 0;
  }
  return makeAxisCopy({piece}, rows);
}

/// Concat (operands into one result) or split (one operand into results):
/// `parts` are the side with several tensors, `whole` the other.
CommandOr prepareJoin(const fb::CpuKernel &kernel,
                      const std::vector<TensorRef> &parts,
                      const TensorRef &whole, bool intoWhole) {
  size_t axis = static_cast<size_t>(kernel.axis());
  int64_t step = axisStepBytes(*whole.desc, axis);
  int64_t rows = product(whole.desc->shape, 0, axis);
  int64_t wholeRow = whole.desc->shape[axis] * step, offset = 0;
  std::vector<AxisPiece> pieces;
  for (const TensorRef &part : parts) {
    AxisPiece piece;
    piece.runBytes = part.desc->shape[axis] * step;
    uint8_t *partData = static_cast<uint8_t *>(part.data);
    uint8_t *wholeData = static_cast<uint8_t *>(whole.data);
    if (piece.runBytes != 0 && rows != 0) {
      piece.in = intoWhole ? partData : wholeData + offset;
      piece.out = intoWhole ? wholeData + offset : partData;
    } else {
      piece.runBytes = 0;
    }
    piece.inRow = intoWhole ? piece.runBytes : wholeRow;
    piece.outRow = intoWhole ? wholeRow : piece.runBytes;
    offset += part.desc->shape[axis] * step;
    pieces.push_back(piece);
  }
  return makeAxisCopy(std::move(pieces), rows);
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

/// `part` has `whole`'s dtype and rank and its dims except along `axis`.
Status checkAxisPart(const TensorDesc &part, const TensorDesc &whole,
                     size_t axis, const std::string &what) {
  MLC_RETURN_IF_ERROR(expectDType(part, whole.dtype, what));
  bool agree = part.shape.size() == whole.shape.size();
  for (size_t d = 0; agree && d < part.shape.size(); ++d)
    agree = d == axis || part.shape[d] == whole.shape[d];
  if (agree)
    return Status::ok();
  return Status::error(what + " is " + part.str() + ", expected the dims of " +
                       whole.str() + " except along axis " +
                       std::to_string(axis));
}

Status checkSlice(const fb::CpuKernel &kernel, const Descs &operands,
                  const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 1, 1));
  const TensorDesc &operand = *operands[0];
  const TensorDesc &result = *results[0];
  MLC_RETURN_IF_ERROR(checkAxis(kernel.axis(), operand.shape.size(), "axis"));
  size_t axis = static_cast<size_t>(kernel.axis());
  MLC_RETURN_IF_ERROR(checkAxisPart(result, operand, axis, "result"));
  int64_t start = kernel.start(), size = result.shape[axis];
  int64_t extent = operand.shape[axis];
  if (start < 0 || start > extent - size)
    return Status::error(
        "start " + std::to_string(start) + " with size " +
        std::to_string(size) + " does not fit axis " + std::to_string(axis) +
        " of operand " + operand.str() +
        " (expected 0 <= start <= " + std::to_string(extent - size) + ")");
  return Status::ok();
}

/// The several-tensor side of a concat or split sums to `whole` along axis.
Status checkJoin(const fb::CpuKernel &kernel, const Descs &parts,
                 const TensorDesc &whole, const char *partName) {
  MLC_RETURN_IF_ERROR(checkAxis(kernel.axis(), whole.shape.size(), "axis"));
  size_t axis = static_cast<size_t>(kernel.axis());
  int64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    MLC_RETURN_IF_ERROR(checkAxisPart(*parts[i], whole, axis,
                                      partName + (" " + std::to_string(i))));
    total += parts[i]->shape[axis]; // each below 2^52: no overflow
  }
  if (total == whole.shape[axis])
    return Status::ok();
  return Status::error(std::string(partName) + "s have " +
                       std::to_string(total) + " entries along axis " +
                       std::to_string(axis) + " in all, " + whole.str() +
                       " has " + std::to_string(whole.shape[axis]));
}

Status checkConcat(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results) {
  if (operands.empty() || results.size() != 1)
    return Status::error("expected at least 1 operand and 1 result, found " +
                         std::to_string(operands.size()) + " operands and " +
                         std::to_string(results.size()) + " results");
  return checkJoin(kernel, operands, *results[0], "operand");
}

Status checkSplit(const fb::CpuKernel &kernel, const Descs &operands,
                  const Descs &results) {
  if (operands.size() != 1 || results.empty())
    return Status::error("expected 1 operand and at least 1 result, found " +
                         std::to_string(operands.size()) + " operands and " +
                         std::to_string(results.size()) + " results");
  return checkJoin(kernel, results, *operands[0], "result");
}

} // namespace

Status checkLayout(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results) {
  if (kernel.op() == K::slice)
    return checkSlice(kernel, operands, results);
  if (kernel.op() == K::concat)
    return checkConcat(kernel, operands, results);
  if (kernel.op() == K::split)
    return checkSplit(kernel, operands, results);
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
  if (kernel.op() == K::concat)
    return prepareJoin(kernel, operands, results[0], /*intoWhole=*/true);
  if (kernel.op() == K::split)
    return prepareJoin(kernel, results, operands[0], /*intoWhole=*/false);
  const TensorRef &operand = operands[0];
  const TensorRef &result = results[0];
  switch (kernel.op()) {
  case K::slice:
    return prepareSlice(kernel, operand, result);
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
