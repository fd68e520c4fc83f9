// Embedding CPU kernels: embedding (rows of a table gathered by id) and
// embedding_grad (rows of an adjoint summed into the table by id).
//
// Both check every id before writing anything: an id outside the table
// fails the run, names its position and leaves the result untouched.
// embedding_grad adds rows in the ids' row-major order, so its sums are
// the same on every run. Threads split the gathered rows (embedding) or the
// table's rows (embedding_grad: each thread adds every id that falls in its
// rows, in id order).
#include "runtime/cpu/KernelUtil.h"

#include <algorithm>
#include <cstring>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;

/// "[1, 2]": the multi-index of element `flat` of `shape`.
std::string positionStr(int64_t flat, const Shape &shape) {
  Shape index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return listStr(index);
}

/// The first id outside [0, rows), as an error naming its position.
template <typename L>
Status checkIds(const char *op, const L *ids, const Shape &shape,
                int64_t rows) {
  for (int64_t i = 0, n = product(shape); i < n; ++i)
    if (ids[i] < 0 || static_cast<int64_t>(ids[i]) >= rows)
      return Status::error(std::string(op) + ": ids" + positionStr(i, shape) +
                           " is " + std::to_string(ids[i]) +
                           ", expected a value in [0, " + std::to_string(rows) +
                           ") (the table's rows)");
  return Status::ok();
}

template <typename T, typename L>
CommandOr makeEmbedding(const TensorRef &table, const TensorRef &ids,
                        const TensorRef &result) {
  const T *rows = table.as<const T>();
  const L *in = ids.as<const L>();
  T *out = result.as<T>();
  int64_t numRows = table.desc->shape[0], width = table.desc->shape[1];
  return makeCommand(
      [rows, in, out, numRows, width, shape = ids.desc->shape]() {
        MLC_RETURN_IF_ERROR(checkIds("embedding", in, shape, numRows));
        size_t bytes = static_cast<size_t>(width) * sizeof(T);
        if (bytes == 0)
          return Status::ok();
        parallelFor(
            product(shape), rowGrain(width), [&](int64_t begin, int64_t end) {
              for (int64_t i = begin; i < end; ++i)
                std::memcpy(out + i * width,
                            rows + static_cast<int64_t>(in[i]) * width, bytes);
            });
        return Status::ok();
      });
}

template <typename T, typename L>
CommandOr makeEmbeddingGrad(const TensorRef &grad, const TensorRef &ids,
                            const TensorRef &result) {
  const T *in = grad.as<const T>();
  const L *id = ids.as<const L>();
  T *out = result.as<T>();
  int64_t numRows = result.desc->shape[0], width = result.desc->shape[1];
  return makeCommand([in, id, out, numRows, width, shape = ids.desc->shape]() {
    MLC_RETURN_IF_ERROR(checkIds("embedding_grad", id, shape, numRows));
    // One fill on one thread: glibc streams a memset past the cache
    // (non-temporal stores) only when one call is larger than about the
    // L3, 2-4x faster than the cached stores of a fill in parallel pieces
    // (154 MB: 6 ms whole, 25 ms in eight pieces on the 2-core build
    // machine).
    std::fill(out, out + numRows * width, T(0));
    const int64_t n = product(shape);
    parallelFor(numRows, rowGrain(width), [&](int64_t begin, int64_t end) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t target = static_cast<int64_t>(id[i]);
        if (target < begin || target >= end)
          continue;
        T *row = out + target * width;
        const T *from = in + i * width;
        for (int64_t j = 0; j < width; ++j)
          row[j] += from[j];
      }
    });
    return Status::ok();
  });
}

/// `rows` is `ids`' shape followed by `width`.
Status expectRows(const TensorDesc &rows, const TensorDesc &ids, int64_t width,
                  const std::string &what) {
  Shape expected = ids.shape;
  expected.push_back(width);
  if (rows.shape == expected)
    return Status::ok();
  return Status::error(what + " shape is " + shapeStr(rows.shape) +
                       ", expected " + shapeStr(expected) +
                       " (the ids' shape, then D = " + std::to_string(width) +
                       ")");
}

/// `table` is a float [V, D].
Status expectTable(const TensorDesc &table, const std::string &what) {
  MLC_RETURN_IF_ERROR(expectFloat(table, what));
  if (table.shape.size() == 2)
    return Status::ok();
  return Status::error(what + " is " + table.str() + ", expected [V, D]");
}

} // namespace

Status checkEmbedding(const fb::CpuKernel &kernel, const Descs &operands,
                      const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 2, 1));
  const TensorDesc &ids = *operands[1];
  const TensorDesc &result = *results[0];
  MLC_RETURN_IF_ERROR(expectIndices(ids, "operand 1 (the ids)"));
  if (kernel.op() == K::embedding) {
    const TensorDesc &table = *operands[0];
    MLC_RETURN_IF_ERROR(expectTable(table, "operand 0 (the table)"));
    MLC_RETURN_IF_ERROR(expectDType(result, table.dtype, "result"));
    return expectRows(result, ids, table.shape[1], "result");
  }
  const TensorDesc &grad = *operands[0];
  MLC_RETURN_IF_ERROR(expectTable(result, "result (the table's gradient)"));
  MLC_RETURN_IF_ERROR(expectDType(grad, result.dtype, "operand 0"));
  return expectRows(grad, ids, result.shape[1], "operand 0 (the gradient)");
}

CommandOr prepareEmbedding(const fb::CpuKernel &kernel,
                           const std::vector<TensorRef> &operands,
                           const std::vector<TensorRef> &results) {
  bool f64 = results[0].desc->dtype == DType::f64;
  bool gather = kernel.op() == K::embedding;
  return visitIndices(operands[1].desc->dtype, [&](auto index) {
    using L = decltype(index);
    if (gather)
      return f64 ? makeEmbedding<double, L>(operands[0], operands[1],
                                            results[0])
                 : makeEmbedding<float, L>(operands[0], operands[1],
                                           results[0]);
    return f64 ? makeEmbeddingGrad<double, L>(operands[0], operands[1],
                                              results[0])
               : makeEmbeddingGrad<float, L>(operands[0], operands[1],
                                             results[0]);
  });
}

} // namespace mlc::rt::cpu
