// Load-time checks of CPU kernels and the dispatch of checkKernel() and
// prepareKernel() to the kernel families.
//
// Executables can be crafted, so everything run() later trusts (counts,
// dtypes, shapes, attributes) is checked here first; prepareKernel() checks
// again so that it is safe on its own.
#include "runtime/cpu/KernelUtil.h"
#include "runtime/cpu/Kernels.h"

#include <algorithm>

namespace mlc::rt::cpu {

namespace {

/// Largest product of the nonzero dims of one tensor. Keeps every element
/// count, stride and byte offset far from int64 overflow.
constexpr int64_t kMaxElements = int64_t(1) << 52;

enum class Family {
  elementwise,
  reduce,
  layout,
  matmul,
  loss,
  embedding,
  norm,
  attention,
  cache,
  unknown
};

Family familyOf(fb::OpKind op) {
  using K = fb::OpKind;
  switch (op) {
  case K::add:
  case K::sub:
  case K::mul:
  case K::div:
  case K::max:
  case K::min:
  case K::pow:
  case K::neg:
  case K::abs:
  case K::exp:
  case K::log:
  case K::tanh:
  case K::cos:
  case K::sin:
  case K::sqrt:
  case K::rsqrt:
  case K::relu:
  case K::sigmoid:
  case K::gelu:
  case K::erf:
  case K::silu:
  case K::compare:
  case K::select:
  case K::cast:
    return Family::elementwise;
  case K::reduce_sum:
  case K::reduce_mean:
  case K::reduce_max:
  case K::softmax:
  case K::log_softmax:
  case K::argmax:
    return Family::reduce;
  case K::copy:
  case K::broadcast_to:
  case K::reshape:
  case K::transpose:
  case K::slice:
  case K::concat:
  case K::split:
    return Family::layout;
  case K::matmul:
    return Family::matmul;
  case K::one_hot:
  case K::mse_loss:
  case K::softmax_cross_entropy:
  case K::softmax_cross_entropy_with_grad:
    return Family::loss;
  case K::embedding:
  case K::embedding_grad:
    return Family::embedding;
  case K::layer_norm:
  case K::rms_norm:
    return Family::norm;
  case K::rope:
  case K::causal_mask:
  case K::attention:
  case K::attention_grad:
    return Family::attention;
  case K::cache_write:
    return Family::cache;
  }
  return Family::unknown;
}

/// A tensor description the kernels can work with: a supported dtype and
/// dims that are non-negative and small enough to index with int64.
Status checkDesc(const TensorDesc *desc, const std::string &what) {
  if (!desc)
    return Status::error(what + " has no description");
  if (!isKnownDType(desc->dtype))
    return Status::error(what + " has unknown dtype " +
                         std::to_string(static_cast<int>(desc->dtype)));
  if (desc->dtype == DType::bf16 || desc->dtype == DType::f16)
    return Status::error(what + " is " + desc->str() +
                         ": cpu device does not support " +
                         dtypeName(desc->dtype) + " yet");
  int64_t elements = 1;
  for (int64_t d : desc->shape) {
    if (d < 0)
      return Status::error(what + " has negative dimension " +
                           std::to_string(d));
    if (d == 0)
      continue;
    if (elements > kMaxElements / d)
      return Status::error(what + " with shape " + shapeStr(desc->shape) +
                           " has too many elements");
    elements *= d;
  }
  return Status::ok();
}

Status checkDescs(const Descs &descs, const char *what) {
  for (size_t i = 0; i < descs.size(); ++i)
    MLC_RETURN_IF_ERROR(checkDesc(descs[i], what + std::to_string(i)));
  return Status::ok();
}

Status checkFamily(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results) {
  switch (familyOf(kernel.op())) {
  case Family::elementwise:
    return checkElementwise(kernel, operands, results);
  case Family::reduce:
    return checkReduce(kernel, operands, results);
  case Family::layout:
    return checkLayout(kernel, operands, results);
  case Family::matmul:
    return checkMatmul(kernel, operands, results);
  case Family::loss:
    return checkLoss(kernel, operands, results);
  case Family::embedding:
    return checkEmbedding(kernel, operands, results);
  case Family::norm:
    return checkNorm(kernel, operands, results);
  case Family::attention:
    return checkAttention(kernel, operands, results);
  case Family::cache:
    return checkCache(kernel, operands, results);
  case Family::unknown:
    break;
  }
  return Status::error("unknown op kind");
}

std::string opLabel(fb::OpKind op) {
  if (familyOf(op) == Family::unknown)
    return "op kind " + std::to_string(static_cast<unsigned>(op));
  return fb::EnumNameOpKind(op);
}

/// Data pointers of tensors with bytes must be set.
Status checkData(const std::vector<TensorRef> &refs, const char *what) {
  for (size_t i = 0; i < refs.size(); ++i)
    if (!refs[i].data && refs[i].desc->byteSize() != 0)
      return Status::error(std::string(what) + std::to_string(i) +
                           " has no data");
  return Status::ok();
}

Descs descsOf(const std::vector<TensorRef> &refs) {
  Descs descs;
  descs.reserve(refs.size());
  for (const TensorRef &ref : refs)
    descs.push_back(ref.desc);
  return descs;
}

} // namespace

//===----------------------------------------------------------------------===//
// Shared helpers (declared in KernelUtil.h)
//===----------------------------------------------------------------------===//

std::string shapeStr(const Shape &shape) {
  if (shape.empty())
    return "[]";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

std::string listStr(const Shape &values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

std::optional<Shape> broadcastShapes(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[rank - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

bool broadcastsTo(const Shape &from, const Shape &to) {
  std::optional<Shape> joined = broadcastShapes(from, to);
  return from.size() <= to.size() && joined && *joined == to;
}

int64_t product(const Shape &shape, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < std::min(end, shape.size()); ++i)
    n *= shape[i];
  return n;
}

Shape contiguousStrides(const Shape &shape) {
  Shape strides(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= std::max<int64_t>(shape[i], 1);
  }
  return strides;
}

Shape broadcastStrides(const Shape &operand, const Shape &shape) {
  Shape own = contiguousStrides(operand);
  Shape strides(shape.size(), 0);
  size_t lead = shape.size() - operand.size();
  for (size_t i = 0; i < operand.size(); ++i)
    strides[lead + i] = operand[i] == 1 ? 0 : own[i];
  return strides;
}

AxisView axisView(const Shape &shape, size_t axis) {
  return {product(shape, 0, axis), shape[axis], product(shape, axis + 1)};
}

Status checkArity(const Descs &operands, const Descs &results,
                  size_t numOperands, size_t numResults) {
  if (operands.size() == numOperands && results.size() == numResults)
    return Status::ok();
  auto count = [](size_t n, const char *noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
  };
  return Status::error("expected " + count(numOperands, "operand") + " and " +
                       count(numResults, "result") + ", found " +
                       count(operands.size(), "operand") + " and " +
                       count(results.size(), "result"));
}

Status expectDType(const TensorDesc &desc, DType dtype,
                   const std::string &what) {
  if (desc.dtype == dtype)
    return Status::ok();
  return Status::error(what + " has dtype " + dtypeName(desc.dtype) +
                       ", expected " + dtypeName(dtype));
}

Status expectFloat(const TensorDesc &desc, const std::string &what) {
  if (isFloat(desc.dtype))
    return Status::ok();
  return Status::error(what + " has dtype " + dtypeName(desc.dtype) +
                       ", expected f32 or f64");
}

Status expectNumeric(const TensorDesc &desc, const std::string &what) {
  if (isNumeric(desc.dtype))
    return Status::ok();
  return Status::error(what + " has dtype " + dtypeName(desc.dtype) +
                       ", expected f32, f64, i32 or i64");
}

Status expectResult(const TensorDesc &desc, const TensorDesc &expected) {
  if (desc == expected)
    return Status::ok();
  return Status::error("result is " + desc.str() + ", expected " +
                       expected.str());
}

Status expectIndices(const TensorDesc &desc, const std::string &what) {
  if (isInt(desc.dtype))
    return Status::ok();
  return Status::error(what + " has dtype " + dtypeName(desc.dtype) +
                       ", expected i32 or i64");
}

Status checkAxis(int64_t axis, size_t rank, const char *name) {
  if (axis >= 0 && static_cast<uint64_t>(axis) < rank)
    return Status::ok();
  return Status::error(std::string(name) + " " + std::to_string(axis) +
                       " is out of range for rank " + std::to_string(rank));
}

//===----------------------------------------------------------------------===//
// Entry points (declared in Kernels.h)
//===----------------------------------------------------------------------===//

namespace {

/// A result may share its buffer with an operand only where the kernel
/// reads that operand at the index it writes: an elementwise kernel on
/// operands of the result's shape (or a copy onto itself), or a cache write
/// into its cache (operand 0), which it leaves as it is outside the slices
/// it writes.
Status checkAliasing(fb::OpKind op, const Descs &operands,
                     const Descs &results) {
  bool inPlace = familyOf(op) == Family::elementwise || op == fb::OpKind::copy;
  for (size_t r = 0; r < results.size(); ++r) {
    for (size_t o = 0; o < operands.size(); ++o)
      if (results[r] == operands[o] &&
          !(op == fb::OpKind::cache_write && o == 0 && r == 0) &&
          (!inPlace || operands[o]->shape != results[r]->shape))
        return Status::error("result #" + std::to_string(r) +
                             " is the buffer of operand #" + std::to_string(o) +
                             ", and this kernel cannot compute in place");
    for (size_t other = 0; other < r; ++other)
      if (results[r] == results[other])
        return Status::error("results #" + std::to_string(other) + " and #" +
                             std::to_string(r) + " are one buffer");
  }
  return Status::ok();
}

} // namespace

Status checkKernel(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results) {
  std::string label = opLabel(kernel.op());
  if (familyOf(kernel.op()) == Family::unknown)
    return Status::error("unknown " + label);
  Status status = checkDescs(operands, "operand ");
  if (status.isOk())
    status = checkDescs(results, "result ");
  if (status.isOk())
    status = checkAliasing(kernel.op(), operands, results);
  if (status.isOk())
    status = checkFamily(kernel, operands, results);
  return status.withContext(label);
}

StatusOr<std::unique_ptr<PreparedCommand>>
prepareKernel(const fb::CpuKernel &kernel,
              const std::vector<TensorRef> &operands,
              const std::vector<TensorRef> &results) {
  MLC_RETURN_IF_ERROR(checkKernel(kernel, descsOf(operands), descsOf(results)));
  Status data = checkData(operands, "operand ");
  if (data.isOk())
    data = checkData(results, "result ");
  MLC_RETURN_IF_ERROR(data.withContext(opLabel(kernel.op())));
  switch (familyOf(kernel.op())) {
  case Family::elementwise:
    return prepareElementwise(kernel, operands, results);
  case Family::reduce:
    return prepareReduce(kernel, operands, results);
  case Family::layout:
    return prepareLayout(kernel, operands, results);
  case Family::matmul:
    return prepareMatmul(kernel, operands, results);
  case Family::loss:
    return prepareLoss(kernel, operands, results);
  case Family::embedding:
    return prepareEmbedding(kernel, operands, results);
  case Family::norm:
    return prepareNorm(kernel, operands, results);
  case Family::attention:
    return prepareAttention(kernel, operands, results);
  case Family::cache:
    return prepareCache(kernel, operands, results);
  case Family::unknown:
    break;
  }
  return Status::error("unknown " + opLabel(kernel.op()));
}

} // namespace mlc::rt::cpu
