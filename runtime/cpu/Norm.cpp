// Normalization CPU kernels over the last dimension: layer_norm (as
// torch.nn.functional.layer_norm, biased variance) and rms_norm (as Hugging
// Face's LlamaRMSNorm).
//
// Each row's statistics accumulate in double in a fixed order, so results
// are the same on every run; threads split the rows, never one row.
#include "runtime/cpu/KernelUtil.h"

#include <cmath>

namespace mlc::rt::cpu {

namespace {

using K = fb::OpKind;

/// (x - mean) / sqrt(var + eps) * weight + bias for one row of `width`.
template <typename T>
void layerNormRow(const T *x, const T *weight, const T *bias, T *y,
                  int64_t width, double eps) {
  double sum = 0;
  for (int64_t j = 0; j < width; ++j)
    sum += static_cast<double>(x[j]);
  const double mean = sum / static_cast<double>(width);
  double squares = 0;
  for (int64_t j = 0; j < width; ++j) {
    double centered = static_cast<double>(x[j]) - mean;
    squares += centered * centered;
  }
  const double rstd = 1 / std::sqrt(squares / static_cast<double>(width) + eps);
  for (int64_t j = 0; j < width; ++j)
    y[j] = static_cast<T>((static_cast<double>(x[j]) - mean) * rstd *
                              static_cast<double>(weight[j]) +
                          static_cast<double>(bias[j]));
}

/// x * rsqrt(mean(x^2) + eps) * weight for one row of `width`.
template <typename T>
void rmsNormRow(const T *x, const T *weight, T *y, int64_t width, double eps) {
  double squares = 0;
  for (int64_t j = 0; j < width; ++j)
    squares += static_cast<double>(x[j]) * static_cast<double>(x[j]);
  const double r = 1 / std::sqrt(squares / static_cast<double>(width) + eps);
  for (int64_t j = 0; j < width; ++j)
    y[j] = static_cast<T>(static_cast<double>(x[j]) * r *
                          static_cast<double>(weight[j]));
}

template <typename T>
CommandOr makeNorm(const fb::CpuKernel &kernel,
                   const std::vector<TensorRef> &operands,
                   const TensorRef &result) {
  const T *x = operands[0].as<const T>();
  const T *weight = operands[1].as<const T>();
  const T *bias =
      kernel.op() == K::layer_norm ? operands[2].as<const T>() : nullptr;
  T *y = result.as<T>();
  const Shape &shape = operands[0].desc->shape;
  int64_t width = shape.back(), rows = product(shape, 0, shape.size() - 1);
  double eps = kernel.eps();
  return makeCommand([x, weight, bias, y, width, rows, eps]() {
    if (width == 0)
      return Status::ok();
    parallelFor(rows, rowGrain(width), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        if (bias)
          layerNormRow(x + r * width, weight, bias, y + r * width, width, eps);
        else
          rmsNormRow(x + r * width, weight, y + r * width, width, eps);
      }
    });
    return Status::ok();
  });
}

} // namespace

Status checkNorm(const fb::CpuKernel &kernel, const Descs &operands,
                 const Descs &results) {
  bool layer = kernel.op() == K::layer_norm;
  MLC_RETURN_IF_ERROR(checkArity(operands, results, layer ? 3 : 2, 1));
  const TensorDesc &x = *operands[0];
  MLC_RETURN_IF_ERROR(expectFloat(x, "operand 0"));
  if (x.shape.empty())
    return Status::error("operand 0 is a scalar, expected a last dimension to "
                         "normalize");
  TensorDesc param{x.dtype, {x.shape.back()}};
  for (size_t i = 1; i < operands.size(); ++i)
    if (*operands[i] != param)
      return Status::error(std::string("operand ") + std::to_string(i) +
                           (i == 1 ? " (the weight)" : " (the bias)") + " is " +
                           operands[i]->str() + ", expected " + param.str());
  if (!std::isfinite(kernel.eps()) || kernel.eps() < 0)
    return Status::error("eps " + std::to_string(kernel.eps()) +
                         " is not finite and non-negative");
  return expectResult(*results[0], x);
}

CommandOr prepareNorm(const fb::CpuKernel &kernel,
                      const std::vector<TensorRef> &operands,
                      const std::vector<TensorRef> &results) {
  if (results[0].desc->dtype == DType::f64)
    return makeNorm<double>(kernel, operands, results[0]);
  return makeNorm<float>(kernel, operands, results[0]);
}

} // namespace mlc::rt::cpu
