// Label and loss CPU kernels: one_hot, mse_loss and softmax_cross_entropy.
//
// Losses accumulate in double in a fixed order (deterministic).
// softmax_cross_entropy splits its rows among threads and sums the row
// losses on one thread, in row order. mse_loss reduces every element into
// one value and one_hot is one large fill; both run on one thread.
#include "runtime/cpu/KernelUtil.h"

#include <algorithm>
#include <cmath>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;

//===----------------------------------------------------------------------===//
// one_hot
//===----------------------------------------------------------------------===//

/// Row i is 1 at labels[i] and 0 elsewhere; a label outside [0, C) gives a
/// row of zeros (documented semantics, not an error).
template <typename T, typename L>
CommandOr makeOneHot(const TensorRef &labels, const TensorRef &result) {
  const L *in = labels.as<const L>();
  T *out = result.as<T>();
  int64_t rows = labels.desc->numElements();
  int64_t classes = result.desc->shape.back();
  // On one thread: the kernel is one large fill, which a single memset does
  // fastest (see embedding_grad).
  return makeCommand([in, out, rows, classes]() {
    std::fill(out, out + rows * classes, T(0));
    for (int64_t i = 0; i < rows; ++i)
      if (in[i] >= 0 && static_cast<int64_t>(in[i]) < classes)
        out[i * classes + static_cast<int64_t>(in[i])] = T(1);
    return Status::ok();
  });
}

CommandOr prepareOneHot(const TensorRef &labels, const TensorRef &result) {
  return visitIndices(labels.desc->dtype, [&](auto label) {
    using L = decltype(label);
    return visitDType(result.desc->dtype, [&](auto tag) {
      return makeOneHot<decltype(tag), L>(labels, result);
    });
  });
}

//===----------------------------------------------------------------------===//
// mse_loss
//===----------------------------------------------------------------------===//

/// A loss that is NaN or infinite is bad data for the step that computed
/// it: reported, so that the step stops before it updates any state.
template <typename T> Status checkLossFinite(K op, T loss) {
  if (std::isfinite(static_cast<double>(loss)))
    return Status::ok();
  StatusWord problem;
  problem.problem = static_cast<uint32_t>(DataProblem::non_finite_loss);
  problem.op = static_cast<uint32_t>(op);
  problem.value = std::isnan(static_cast<double>(loss)) ? 0 : 1;
  return reportProblem(problem);
}

/// Mean of (p - t)^2 over all elements; NaN for empty tensors.
template <typename T>
CommandOr makeMse(const TensorRef &pred, const TensorRef &target,
                  const TensorRef &result) {
  const T *p = pred.as<const T>();
  const T *t = target.as<const T>();
  T *out = result.as<T>();
  int64_t n = pred.desc->numElements();
  return makeCommand([p, t, out, n]() {
    double partial[4] = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
      for (int k = 0; k < 4; ++k) {
        double d =
            static_cast<double>(p[i + k]) - static_cast<double>(t[i + k]);
        partial[k] += d * d;
      }
    double sum = (partial[0] + partial[1]) + (partial[2] + partial[3]);
    for (; i < n; ++i) {
      double d = static_cast<double>(p[i]) - static_cast<double>(t[i]);
      sum += d * d;
    }
    *out = static_cast<T>(sum / static_cast<double>(n));
    return n > 0 ? checkLossFinite(K::mse_loss, *out) : Status::ok();
  });
}

//===----------------------------------------------------------------------===//
// softmax_cross_entropy
//===----------------------------------------------------------------------===//

/// logsumexp(row) - row[label], stable (the row max is subtracted before
/// exp) with the sum of exponentials accumulated in double.
template <typename T>
double crossEntropyRow(const T *row, int64_t classes, int64_t label) {
  const T max = rowMax(row, classes);
  double sum = 0;
  for (int64_t c = 0; c < classes; ++c)
    sum += static_cast<double>(std::exp(row[c] - max));
  return static_cast<double>(max) + std::log(sum) -
         static_cast<double>(row[label]);
}

/// Mean over rows of the cross entropy of softmax(logits row) against the
/// row's label. A label outside [0, C) is reported (the first one) and
/// makes the loss NaN; its row is never read at the label.
template <typename T, typename L>
CommandOr makeCrossEntropy(const TensorRef &logits, const TensorRef &labels,
                           const TensorRef &result) {
  const T *x = logits.as<const T>();
  const L *y = labels.as<const L>();
  T *out = result.as<T>();
  int64_t rows = labels.desc->numElements();
  int64_t classes = logits.desc->shape.back();
  return makeCommand([x, y, out, rows, classes]() {
    for (int64_t r = 0; r < rows; ++r) {
      int64_t label = static_cast<int64_t>(y[r]);
      if (label < 0 || label >= classes) {
        StatusWord problem;
        problem.problem =
            static_cast<uint32_t>(DataProblem::label_out_of_range);
        problem.op = static_cast<uint32_t>(K::softmax_cross_entropy);
        problem.operand = 1;
        problem.index = r;
        problem.value = label;
        problem.limit = classes;
        MLC_RETURN_IF_ERROR(reportProblem(problem));
        *out = std::numeric_limits<T>::quiet_NaN();
        return Status::ok();
      }
    }
    std::vector<double> losses(static_cast<size_t>(rows));
    parallelFor(rows, rowGrain(classes, kMathGrain),
                [&](int64_t begin, int64_t end) {
                  for (int64_t r = begin; r < end; ++r)
                    losses[r] = crossEntropyRow(x + r * classes, classes,
                                                static_cast<int64_t>(y[r]));
                });
    double total = 0;
    for (double loss : losses)
      total += loss;
    *out = static_cast<T>(total / static_cast<double>(rows));
    return rows > 0 ? checkLossFinite(K::softmax_cross_entropy, *out)
                    : Status::ok();
  });
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

Status checkOneHot(const TensorDesc &labels, const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectIndices(labels, "operand 0 (the labels)"));
  MLC_RETURN_IF_ERROR(expectNumeric(result, "result"));
  Shape leading = result.shape;
  if (!leading.empty())
    leading.pop_back();
  if (result.shape.size() != labels.shape.size() + 1 || leading != labels.shape)
    return Status::error("result shape is " + shapeStr(result.shape) +
                         ", expected the labels shape " +
                         shapeStr(labels.shape) + " followed by the classes");
  return Status::ok();
}

Status checkMse(const TensorDesc &pred, const TensorDesc &target,
                const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectFloat(pred, "operand 0"));
  if (target != pred)
    return Status::error("operand 1 is " + target.str() +
                         ", expected operand 0's " + pred.str());
  return expectResult(result, TensorDesc{pred.dtype, {}});
}

Status checkCrossEntropy(const TensorDesc &logits, const TensorDesc &labels,
                         const TensorDesc &result) {
  MLC_RETURN_IF_ERROR(expectFloat(logits, "operand 0 (the logits)"));
  if (logits.shape.empty())
    return Status::error("logits must have rank >= 1, found a scalar");
  MLC_RETURN_IF_ERROR(expectIndices(labels, "operand 1 (the labels)"));
  Shape rows(logits.shape.begin(), logits.shape.end() - 1);
  if (labels.shape != rows)
    return Status::error("labels shape is " + shapeStr(labels.shape) +
                         ", expected " + shapeStr(rows) + " (logits " +
                         shapeStr(logits.shape) + " without the class dim)");
  return expectResult(result, TensorDesc{logits.dtype, {}});
}

} // namespace

Status checkLoss(const fb::CpuKernel &kernel, const Descs &operands,
                 const Descs &results) {
  switch (kernel.op()) {
  case K::one_hot:
    MLC_RETURN_IF_ERROR(checkArity(operands, results, 1, 1));
    return checkOneHot(*operands[0], *results[0]);
  case K::mse_loss:
    MLC_RETURN_IF_ERROR(checkArity(operands, results, 2, 1));
    return checkMse(*operands[0], *operands[1], *results[0]);
  case K::softmax_cross_entropy:
    MLC_RETURN_IF_ERROR(checkArity(operands, results, 2, 1));
    return checkCrossEntropy(*operands[0], *operands[1], *results[0]);
  default:
    return Status::error("not a loss op");
  }
}

CommandOr prepareLoss(const fb::CpuKernel &kernel,
                      const std::vector<TensorRef> &operands,
                      const std::vector<TensorRef> &results) {
  if (kernel.op() == K::one_hot)
    return prepareOneHot(operands[0], results[0]);
  bool f64 = operands[0].desc->dtype == DType::f64;
  if (kernel.op() == K::mse_loss)
    return f64 ? makeMse<double>(operands[0], operands[1], results[0])
               : makeMse<float>(operands[0], operands[1], results[0]);
  return visitIndices(operands[1].desc->dtype, [&](auto label) {
    using L = decltype(label);
    return f64 ? makeCrossEntropy<double, L>(operands[0], operands[1],
                                             results[0])
               : makeCrossEntropy<float, L>(operands[0], operands[1],
                                            results[0]);
  });
}

} // namespace mlc::rt::cpu
