// Batched matmul on the CPU: one OpenBLAS GEMM per batch entry, with
// NumPy-style broadcasting of the batch dims.
//
// OpenBLAS is the only multi-threaded code in the CPU kernels; it splits a
// GEMM's output among threads, so each element is computed the same way on
// every run with the same thread count.
#include "runtime/cpu/KernelUtil.h"

#include <cblas.h>

#include <cstring>
#include <limits>

namespace mlc::rt::cpu {

namespace {

/// Sizes of one batch entry and the leading dimensions BLAS needs.
struct GemmShape {
  blasint m = 0, n = 0, k = 0;
  blasint lda = 1, ldb = 1, ldc = 1;
  bool transposeLhs = false, transposeRhs = false;
};

void gemm(const GemmShape &g, const float *a, const float *b, float *c) {
  cblas_sgemm(CblasRowMajor, g.transposeLhs ? CblasTrans : CblasNoTrans,
              g.transposeRhs ? CblasTrans : CblasNoTrans, g.m, g.n, g.k, 1.0f,
              a, g.lda, b, g.ldb, 0.0f, c, g.ldc);
}

void gemm(const GemmShape &g, const double *a, const double *b, double *c) {
  cblas_dgemm(CblasRowMajor, g.transposeLhs ? CblasTrans : CblasNoTrans,
              g.transposeRhs ? CblasTrans : CblasNoTrans, g.m, g.n, g.k, 1.0, a,
              g.lda, b, g.ldb, 0.0, c, g.ldc);
}

/// The M, K, N of a matmul as its shapes and flags give them.
struct MatmulDims {
  int64_t m = 0, k = 0, kRhs = 0, n = 0;
  Shape lhsBatch, rhsBatch;
};

MatmulDims matmulDims(const fb::CpuKernel &kernel, const Shape &lhs,
                      const Shape &rhs) {
  MatmulDims d;
  size_t lr = lhs.size(), rr = rhs.size();
  d.m = kernel.transpose_lhs() ? lhs[lr - 1] : lhs[lr - 2];
  d.k = kernel.transpose_lhs() ? lhs[lr - 2] : lhs[lr - 1];
  d.kRhs = kernel.transpose_rhs() ? rhs[rr - 1] : rhs[rr - 2];
  d.n = kernel.transpose_rhs() ? rhs[rr - 2] : rhs[rr - 1];
  d.lhsBatch.assign(lhs.begin(), lhs.end() - 2);
  d.rhsBatch.assign(rhs.begin(), rhs.end() - 2);
  return d;
}

/// Element offsets of each batch entry's matrix in one operand.
Shape batchOffsets(const Shape &operandBatch, const Shape &batch,
                   int64_t matrixSize) {
  Shape offsets;
  offsets.reserve(static_cast<size_t>(product(batch)));
  Shape strides = broadcastStrides(operandBatch, batch);
  Shape counter(batch.size(), 0);
  int64_t at = 0;
  for (int64_t i = 0, e = product(batch); i < e; ++i) {
    offsets.push_back(at * matrixSize);
    for (size_t d = batch.size(); d-- > 0;) {
      if (++counter[d] < batch[d]) {
        at += strides[d];
        break;
      }
      at -= strides[d] * (batch[d] - 1);
      counter[d] = 0;
    }
  }
  return offsets;
}

template <typename T>
CommandOr makeMatmul(const fb::CpuKernel &kernel, const TensorRef &lhs,
                     const TensorRef &rhs, const TensorRef &result) {
  MatmulDims d = matmulDims(kernel, lhs.desc->shape, rhs.desc->shape);
  Shape batch(result.desc->shape.begin(), result.desc->shape.end() - 2);
  int64_t batchCount = product(batch);
  const T *a = lhs.as<const T>();
  const T *b = rhs.as<const T>();
  T *c = result.as<T>();
  size_t bytes = result.desc->byteSize();
  if (d.k == 0 || d.m == 0 || d.n == 0 || batchCount == 0)
    return makeCommand([c, bytes]() {
      if (bytes != 0)
        std::memset(c, 0, bytes); // An empty contraction sums to zero.
      return Status::ok();
    });

  GemmShape g;
  g.m = static_cast<blasint>(d.m);
  g.n = static_cast<blasint>(d.n);
  g.k = static_cast<blasint>(d.k);
  g.transposeLhs = kernel.transpose_lhs();
  g.transposeRhs = kernel.transpose_rhs();
  g.lda = static_cast<blasint>(g.transposeLhs ? d.m : d.k);
  g.ldb = static_cast<blasint>(g.transposeRhs ? d.k : d.n);
  g.ldc = g.n;

  // One shared rhs matrix under a full, untransposed lhs batch: the batch
  // folds into M and the whole matmul is one GEMM.
  int64_t foldedM = batchCount * d.m;
  if (product(d.rhsBatch) == 1 && !g.transposeLhs &&
      d.lhsBatch.size() == batch.size() && d.lhsBatch == batch &&
      foldedM <= std::numeric_limits<blasint>::max()) {
    g.m = static_cast<blasint>(foldedM);
    return makeCommand([g, a, b, c]() {
      gemm(g, a, b, c);
      return Status::ok();
    });
  }

  Shape lhsAt = batchOffsets(d.lhsBatch, batch, d.m * d.k);
  Shape rhsAt = batchOffsets(d.rhsBatch, batch, d.k * d.n);
  int64_t resultSize = d.m * d.n;
  return makeCommand([g, a, b, c, lhsAt = std::move(lhsAt),
                      rhsAt = std::move(rhsAt), resultSize]() {
    for (size_t i = 0; i < lhsAt.size(); ++i)
      gemm(g, a + lhsAt[i], b + rhsAt[i],
           c + static_cast<int64_t>(i) * resultSize);
    return Status::ok();
  });
}

std::string operandLabel(const char *name, const Shape &shape,
                         bool transposed) {
  return std::string(name) + " " + shapeStr(shape) +
         (transposed ? " (transposed)" : "");
}

Status checkBlasSize(int64_t value, const char *name) {
  if (value <= std::numeric_limits<blasint>::max())
    return Status::ok();
  return Status::error(std::string(name) + "=" + std::to_string(value) +
                       " is too large for BLAS (at most " +
                       std::to_string(std::numeric_limits<blasint>::max()) +
                       ")");
}

} // namespace

Status checkMatmul(const fb::CpuKernel &kernel, const Descs &operands,
                   const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 2, 1));
  const TensorDesc &lhs = *operands[0];
  const TensorDesc &rhs = *operands[1];
  const TensorDesc &result = *results[0];
  MLC_RETURN_IF_ERROR(expectFloat(lhs, "lhs"));
  MLC_RETURN_IF_ERROR(expectDType(rhs, lhs.dtype, "rhs"));
  if (lhs.shape.size() < 2 || rhs.shape.size() < 2)
    return Status::error("operands must have rank >= 2, found lhs " +
                         shapeStr(lhs.shape) + " and rhs " +
                         shapeStr(rhs.shape));
  MatmulDims d = matmulDims(kernel, lhs.shape, rhs.shape);
  if (d.k != d.kRhs)
    return Status::error(
        "contraction dims differ: " +
        operandLabel("lhs", lhs.shape, kernel.transpose_lhs()) +
        " has K=" + std::to_string(d.k) + ", " +
        operandLabel("rhs", rhs.shape, kernel.transpose_rhs()) +
        " has K=" + std::to_string(d.kRhs));
  std::optional<Shape> batch = broadcastShapes(d.lhsBatch, d.rhsBatch);
  if (!batch)
    return Status::error("batch dims " + shapeStr(d.lhsBatch) + " of lhs and " +
                         shapeStr(d.rhsBatch) + " of rhs do not broadcast");
  TensorDesc expected{lhs.dtype, *batch};
  expected.shape.push_back(d.m);
  expected.shape.push_back(d.n);
  MLC_RETURN_IF_ERROR(expectResult(result, expected));
  MLC_RETURN_IF_ERROR(checkBlasSize(d.m, "M"));
  MLC_RETURN_IF_ERROR(checkBlasSize(d.n, "N"));
  return checkBlasSize(d.k, "K");
}

CommandOr prepareMatmul(const fb::CpuKernel &kernel,
                        const std::vector<TensorRef> &operands,
                        const std::vector<TensorRef> &results) {
  if (results[0].desc->dtype == DType::f64)
    return makeMatmul<double>(kernel, operands[0], operands[1], results[0]);
  return makeMatmul<float>(kernel, operands[0], operands[1], results[0]);
}

} // namespace mlc::rt::cpu
