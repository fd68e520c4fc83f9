// Label and loss CPU kernels: one_hot, mse_loss, softmax_cross_entropy and
// softmax_cross_entropy_with_grad.
//
// Losses accumulate in double in a fixed order (deterministic).
// softmax_cross_entropy (with its gradient or not) splits its rows among
// threads, computes each with SoftmaxRows.h and sums the row losses on one
// thread, in row order. mse_loss reduces every element into
// one value and one_hot is one large fill; both run on one thread.
#include "runtime/cpu/KernelUtil.h"
#include "runtime/cpu/SoftmaxRows.h"

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

/// The first label outside [0, classes), reported as the problem of
/// operand 1 of `op`; false when every label is in range.
template <typename L>
StatusOr<bool> findBadLabel(K op, const L *y, int64_t rows, int64_t classes) {
  for (int64_t r = 0; r < rows; ++r) {
    int64_t label = static_cast<int64_t>(y[r]);
    if (label < 0 || label >= classes) {
      StatusWord problem;
      problem.problem = static_cast<uint32_t>(DataProblem::label_out_of_range);
      problem.op = static_cast<uint32_t>(op);
      problem.operand = 1;
      problem.index = r;
      problem.value = label;
      problem.limit = classes;
      MLC_RETURN_IF_ERROR(reportProblem(problem));
      return true;
    }
  }
  return false;
}

/// The mean of the row losses, added on one thread in row order, checked
/// for a non-finite result.
template <typename T>
Status storeMeanLoss(K op, const std::vector<double> &losses, T *out) {
  double total = 0;
  for (double loss : losses)
    total += loss;
  *out = static_cast<T>(total / static_cast<double>(losses.size()));
  return losses.empty() ? Status::ok() : checkLossFinite(op, *out);
}

/// Mean over rows of the cross entropy of softmax(logits row) against the
/// row's label (SoftmaxRows.h's crossEntropyRow). A label outside [0, C)
/// is reported (the first one) and makes the loss NaN; its row is never
/// read at the label.
template <typename T, typename L>
CommandOr makeCrossEntropy(const TensorRef &logits, const TensorRef &labels,
                           const TensorRef &result) {
  const T *x = logits.as<const T>();
  const L *y = labels.as<const L>();
  T *out = result.as<T>();
  int64_t rows = labels.desc->numElements();
  int64_t classes = logits.desc->shape.back();
  return makeCommand([x, y, out, rows, classes,
                      loops = RowLoops::forIsa(loops::hostIsa())]() {
    StatusOr<bool> bad =
        findBadLabel(K::softmax_cross_entropy, y, rows, classes);
    if (!bad.isOk())
      return bad.status();
    if (*bad) {
      *out = std::numeric_limits<T>::quiet_NaN();
      return Status::ok();
    }
    std::vector<double> losses(static_cast<size_t>(rows));
    parallelFor(rows, rowGrain(classes, kMathGrain),
                [&](int64_t begin, int64_t end) {
                  std::vector<T> scratch(static_cast<size_t>(classes));
                  for (int64_t r = begin; r < end; ++r)
                    losses[r] = crossEntropyRow(loops, x + r * classes, classes,
                                                static_cast<int64_t>(y[r]),
                                                scratch.data());
                });
    return storeMeanLoss(K::softmax_cross_entropy, losses, out);
  });
}

/// softmax_cross_entropy_with_grad: the loss as makeCrossEntropy computes
/// it and, in the same pass over each row, the logits' gradient
/// (softmax - one_hot) * scale. A bad label gives a NaN loss and a zero
/// gradient.
template <typename T, typename L>
CommandOr makeCrossEntropyWithGrad(const std::vector<TensorRef> &operands,
                                   const std::vector<TensorRef> &results) {
  const T *x = operands[0].as<const T>();
  const L *y = operands[1].as<const L>();
  const T *scale = operands[2].as<const T>();
  T *loss = results[0].as<T>(), *grad = results[1].as<T>();
  int64_t rows = operands[1].desc->numElements();
  int64_t classes = operands[0].desc->shape.back();
  return makeCommand([x, y, scale, loss, grad, rows, classes,
                      loops = RowLoops::forIsa(loops::hostIsa())]() {
    const K op = K::softmax_cross_entropy_with_grad;
    StatusOr<bool> bad = findBadLabel(op, y, rows, classes);
    if (!bad.isOk())
      return bad.status();
    if (*bad) {
      *loss = std::numeric_limits<T>::quiet_NaN();
      std::fill(grad, grad + rows * classes, T(0));
      return Status::ok();
    }
    const T s = *scale;
    std::vector<double> losses(static_cast<size_t>(rows));
    parallelFor(
        rows, rowGrain(classes, kMathGrain), [&](int64_t begin, int64_t end) {
          for (int64_t r = begin; r < end; ++r)
            losses[r] = crossEntropyGradRow(loops, x + r * classes, classes,
                                            static_cast<int64_t>(y[r]), s,
                                            grad + r * classes);
        });
    return storeMeanLoss(op, losses, loss);
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

Status checkCrossEntropyWithGrad(const Descs &operands, const Descs &results) {
  MLC_RETURN_IF_ERROR(
      checkCrossEntropy(*operands[0], *operands[1], *results[0]));
  const TensorDesc &logits = *operands[0];
  MLC_RETURN_IF_ERROR(expectResult(*operands[2], TensorDesc{logits.dtype, {}})
                          .withContext("operand 2 (the scale)"));
  return expectResult(*results[1], logits)
      .withContext("result 1 (the gradient)");
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
  case K::softmax_cross_entropy_with_grad:
    MLC_RETURN_IF_ERROR(checkArity(operands, results, 3, 2));
    return checkCrossEntropyWithGrad(operands, results);
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
    if (kernel.op() == K::softmax_cross_entropy_with_grad)
      return f64 ? makeCrossEntropyWithGrad<double, L>(operands, results)
                 : makeCrossEntropyWithGrad<float, L>(operands, results);
    return f64 ? makeCrossEntropy<double, L>(operands[0], operands[1],
                                             results[0])
               : makeCrossEntropy<float, L>(operands[0], operands[1],
                                            results[0]);
  });
}

} // namespace mlc::rt::cpu
