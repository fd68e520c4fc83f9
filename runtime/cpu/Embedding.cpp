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

/// Whether id `i` lies in [0, rows).
template <typename L> bool validId(L id, int64_t rows) {
  return id >= 0 && static_cast<int64_t>(id) < rows;
}

/// Reports the first id outside [0, rows) (operand `operand` of `op`);
/// returns whether every id is valid, or the error of a command without a
/// status word. The kernels then skip the bad ids' rows.
template <typename L>
StatusOr<bool> checkIds(K op, uint32_t operand, const L *ids,
                        const Shape &shape, int64_t rows) {
  for (int64_t i = 0, n = product(shape); i < n; ++i)
    if (!validId(ids[i], rows)) {
      StatusWord problem;
      problem.problem = static_cast<uint32_t>(DataProblem::id_out_of_range);
      problem.op = static_cast<uint32_t>(op);
      problem.operand = operand;
      problem.index = i;
      problem.value = static_cast<int64_t>(ids[i]);
      problem.limit = rows;
      MLC_RETURN_IF_ERROR(reportProblem(problem, shape));
      return false;
    }
  return true;
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
        StatusOr<bool> valid = checkIds(K::embedding, 1, in, shape, numRows);
        if (!valid.isOk())
          return valid.status();
        size_t bytes = static_cast<size_t>(width) * sizeof(T);
        if (bytes == 0)
          return Status::ok();
        // After bad data, a bad id's row is zeros.
        parallelFor(
            product(shape), rowGrain(width), [&](int64_t begin, int64_t end) {
              for (int64_t i = begin; i < end; ++i)
                if (*valid || validId(in[i], numRows))
                  std::memcpy(out + i * width,
                              rows + static_cast<int64_t>(in[i]) * width,
                              bytes);
                else
                  std::memset(out + i * width, 0, bytes);
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
    StatusOr<bool> valid = checkIds(K::embedding_grad, 1, id, shape, numRows);
    if (!valid.isOk())
      return valid.status();
    // One fill on one thread: glibc streams a memset past the cache
    // (non-temporal stores) only when one call is larger than about the
    // L3, 2-4x faster than the cached stores of a fill in parallel pieces
    // (154 MB: 6 ms whole, 25 ms in eight pieces on the 2-core build
    // machine).
    std::fill(out, out + numRows * width, T(0));
    const int64_t n = product(shape);
    parallelFor(numRows, rowGrain(width), [&](int64_t begin, int64_t end) {
      for (int64_t i = 0; i < n; ++i) {
        // A bad id (after bad data) lies outside every range.
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
