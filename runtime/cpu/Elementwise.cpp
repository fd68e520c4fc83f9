// Elementwise CPU kernels: binary arithmetic with NumPy broadcasting, unary
// math, compare, select and cast, plus the strided walk they share.
//
// Every kernel splits its result elements among the pool's threads; each
// element is computed by the same expression whichever thread computes it,
// so results do not depend on the thread count. Integer arithmetic wraps
// around (it is done in the unsigned type), so no input makes it undefined
// behaviour.
#include "runtime/cpu/FloatLoops.h"
#include "runtime/cpu/KernelUtil.h"
#include "runtime/cpu/ScalarOps.h"

#include <cmath>
#include <limits>

namespace mlc::rt::cpu {

//===----------------------------------------------------------------------===//
// Strided walk
//===----------------------------------------------------------------------===//

StridedPlan makeStridedPlan(const Shape &shape,
                            const std::vector<Shape> &inputStrides) {
  StridedPlan plan;
  plan.total = product(shape);
  if (plan.total == 0)
    return plan;
  struct Dim {
    int64_t size;
    StridedPlan::Offsets stride;
  };
  // Innermost first; a dim merges into the one inside it when every operand
  // steps over the inner dim exactly once per step of the outer one.
  std::vector<Dim> dims;
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] == 1)
      continue;
    Dim dim{shape[i], {}};
    for (size_t k = 0; k < inputStrides.size(); ++k)
      dim.stride[k] = inputStrides[k][i];
    if (!dims.empty()) {
      Dim &in = dims.back();
      bool mergeable = true;
      for (int k = 0; k < StridedPlan::kMaxInputs; ++k)
        mergeable &= dim.stride[k] == in.stride[k] * in.size;
      if (mergeable) {
        in.size *= dim.size;
        continue;
      }
    }
    dims.push_back(dim);
  }
  if (!dims.empty()) {
    plan.inner = dims.front().size;
    plan.innerStride = dims.front().stride;
  }
  for (size_t i = dims.size(); i-- > 1;) {
    plan.outerDims.push_back(dims[i].size);
    plan.outerStrides.push_back(dims[i].stride);
  }
  plan.rows = plan.total / plan.inner;
  return plan;
}

namespace {

using K = fb::OpKind;

//===----------------------------------------------------------------------===//
// Scalar operations
//===----------------------------------------------------------------------===//

template <typename T> using Unsigned = std::make_unsigned_t<T>;

template <typename T> T addOp(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(Unsigned<T>(a) + Unsigned<T>(b));
  else
    return a + b;
}

template <typename T> T subOp(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(Unsigned<T>(a) - Unsigned<T>(b));
  else
    return a - b;
}

template <typename T> T mulOp(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(Unsigned<T>(a) * Unsigned<T>(b));
  else
    return a * b;
}

template <typename T> T negOp(T a) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(Unsigned<T>(0) - Unsigned<T>(a));
  else
    return -a;
}

/// Integer division truncates toward zero. Division by zero gives 0 and
/// INT_MIN / -1 wraps to INT_MIN, so no input traps.
template <typename T> T divOp(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0)
      return 0;
    if (b == -1)
      return negOp(a);
    return a / b;
  } else {
    return a / b;
  }
}

template <typename T> T absOp(T a) {
  if constexpr (std::is_integral_v<T>)
    return a < 0 ? negOp(a) : a;
  else
    return std::fabs(a);
}

/// Conversion used by cast: float to integer truncates toward zero, NaN
/// gives 0 and values beyond the integer range saturate; anything to i1 is
/// `x != 0`; i1 to anything is 0 or 1.
template <typename To, typename From> To convertOp(From x) {
  if constexpr (std::is_same_v<To, I1>) {
    return x != From(0) ? 1 : 0;
  } else if constexpr (std::is_same_v<From, I1>) {
    return x != 0 ? To(1) : To(0);
  } else if constexpr (std::is_floating_point_v<From> &&
                       std::is_integral_v<To>) {
    const From limit =
        std::ldexp(From(1), std::numeric_limits<To>::digits); // 2^31, 2^63
    if (x != x)
      return 0;
    if (x >= limit)
      return std::numeric_limits<To>::max();
    if (x <= -limit)
      return std::numeric_limits<To>::min();
    return static_cast<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

//===----------------------------------------------------------------------===//
// Row loops: the innermost loop of every walk, one branch per stride
// pattern so that each branch is a simple loop the compiler vectorizes.
//===----------------------------------------------------------------------===//

template <typename R, typename T, typename Op>
void binaryRow(R *out, const T *a, int64_t sa, const T *b, int64_t sb,
               int64_t n, Op op) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T bv = *b;
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const T av = *a;
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a[i * sa], b[i * sb]);
  }
}

template <typename T>
void selectRow(T *out, const I1 *p, int64_t sp, const T *t, int64_t st,
               const T *f, int64_t sf, int64_t n) {
  if (sp == 1 && st == 1 && sf == 1) {
    for (int64_t i = 0; i < n; ++i) {
      const T tv = t[i], fv = f[i]; // unconditional loads vectorize
      out[i] = p[i] ? tv : fv;
    }
  } else {
    for (int64_t i = 0; i < n; ++i)
      out[i] = p[i * sp] ? t[i * st] : f[i * sf];
  }
}

//===----------------------------------------------------------------------===//
// Commands
//===----------------------------------------------------------------------===//

StridedPlan planBroadcast(const std::vector<TensorRef> &operands,
                          const TensorRef &result) {
  std::vector<Shape> strides;
  for (const TensorRef &operand : operands)
    strides.push_back(
        broadcastStrides(operand.desc->shape, result.desc->shape));
  return makeStridedPlan(result.desc->shape, strides);
}

/// out = op(lhs, rhs) with broadcasting; T is the operand element type and
/// R the result element type.
template <typename R, typename T, typename Op>
CommandOr makeBinary(const std::vector<TensorRef> &operands,
                     const TensorRef &result, Op op,
                     int64_t grain = kElementGrain) {
  const T *a = operands[0].as<const T>();
  const T *b = operands[1].as<const T>();
  R *out = result.as<R>();
  return makeCommand([plan = planBroadcast(operands, result), a, b, out, op,
                      grain]() {
    const StridedPlan::Offsets &s = plan.innerStride;
    parallelSpans(plan, grain,
                  [&](const StridedPlan::Offsets &in, int64_t o, int64_t n) {
                    binaryRow(out + o, a + in[0], s[0], b + in[1], s[1], n, op);
                  });
    return Status::ok();
  });
}

/// out[i] = op(in[i]) over identical shapes.
template <typename R, typename T, typename Op>
CommandOr makeUnary(const TensorRef &operand, const TensorRef &result, Op op,
                    int64_t grain = kElementGrain) {
  const T *in = operand.as<const T>();
  R *out = result.as<R>();
  int64_t n = result.desc->numElements();
  return makeCommand([in, out, n, op, grain]() {
    parallelFor(n, grain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        out[i] = op(in[i]);
    });
    return Status::ok();
  });
}

template <typename T>
CommandOr prepareArithmetic(K op, const std::vector<TensorRef> &operands,
                            const TensorRef &result) {
  switch (op) {
  case K::add:
    return makeBinary<T, T>(operands, result,
                            [](T a, T b) { return addOp(a, b); });
  case K::sub:
    return makeBinary<T, T>(operands, result,
                            [](T a, T b) { return subOp(a, b); });
  case K::mul:
    return makeBinary<T, T>(operands, result,
                            [](T a, T b) { return mulOp(a, b); });
  case K::div:
    return makeBinary<T, T>(operands, result,
                            [](T a, T b) { return divOp(a, b); });
  case K::max:
    return makeBinary<T, T>(operands, result,
                            [](T a, T b) { return scalar::max(a, b); });
  case K::min:
    return makeBinary<T, T>(operands, result,
                            [](T a, T b) { return scalar::min(a, b); });
  case K::pow:
    if constexpr (std::is_floating_point_v<T>)
      return makeBinary<T, T>(
          operands, result, [](T a, T b) { return std::pow(a, b); },
          kMathGrain);
    break;
  default:
    break;
  }
  return Status::error("not a binary arithmetic op");
}

/// Elements of a loop over the vectorized math of VecMath.h (gelu: about
/// 2 ns each).
constexpr int64_t kVectorMathGrain = 1 << 14;

/// f32 math through the loops the fused interpreter runs (FloatLoops.h):
/// the same compiled loop, at the widest instruction set of this CPU.
CommandOr makeFloatMath(const fb::CpuKernel &kernel, const TensorRef &operand,
                        const TensorRef &result) {
  K op = kernel.op();
  loops::Unary loop =
      loops::unaryLoop(op, kernel.approximate(), DType::f32, loops::hostIsa());
  if (!loop)
    return Status::error("not a unary math op");
  // sin and cos call libm per element.
  int64_t grain = op == K::sin || op == K::cos ? kMathGrain : kVectorMathGrain;
  const float *in = operand.as<const float>();
  float *out = result.as<float>();
  int64_t n = result.desc->numElements();
  return makeCommand([in, out, n, loop, grain]() {
    parallelFor(n, grain, [&](int64_t begin, int64_t end) {
      loop(out + begin, in + begin, end - begin);
    });
    return Status::ok();
  });
}

template <typename T>
CommandOr prepareUnaryMath(const fb::CpuKernel &kernel,
                           const TensorRef &operand, const TensorRef &result) {
  K op = kernel.op();
  switch (op) {
  case K::neg:
    return makeUnary<T, T>(operand, result, [](T a) { return negOp(a); });
  case K::abs:
    return makeUnary<T, T>(operand, result, [](T a) { return absOp(a); });
  case K::relu:
    return makeUnary<T, T>(operand, result, [](T a) { return scalar::relu(a); });
  default:
    break;
  }
  if constexpr (std::is_same_v<T, float>) {
    return makeFloatMath(kernel, operand, result);
  } else if constexpr (std::is_floating_point_v<T>) {
    // Calls into libm: a smaller grain than the arithmetic above.
    auto math = [&](auto fn) {
      return makeUnary<T, T>(operand, result, fn, kMathGrain);
    };
    switch (op) {
    case K::exp:
      return math([](T a) { return scalar::exp(a); });
    case K::log:
      return math([](T a) { return scalar::log(a); });
    case K::tanh:
      return math([](T a) { return scalar::tanh(a); });
    case K::cos:
      return math([](T a) { return std::cos(a); });
    case K::sin:
      return math([](T a) { return std::sin(a); });
    case K::sqrt:
      return makeUnary<T, T>(operand, result, [](T a) { return std::sqrt(a); });
    case K::rsqrt:
      return makeUnary<T, T>(operand, result,
                             [](T a) { return scalar::rsqrt(a); });
    case K::sigmoid:
      return math([](T a) { return scalar::sigmoid(a); });
    case K::erf:
      return math([](T a) { return scalar::erf(a); });
    case K::silu:
      return math([](T a) { return scalar::silu(a); });
    case K::gelu:
      if (kernel.approximate() == fb::GeluApproximation::tanh)
        return math([](T a) { return scalar::geluTanh(a); });
      return math([](T a) { return scalar::gelu(a); });
    default:
      break;
    }
  }
  return Status::error("not a unary math op");
}

template <typename T>
CommandOr prepareCompare(fb::ComparePredicate predicate,
                         const std::vector<TensorRef> &operands,
                         const TensorRef &result) {
  using P = fb::ComparePredicate;
  switch (predicate) {
  case P::eq:
    return makeBinary<I1, T>(operands, result,
                             [](T a, T b) -> I1 { return a == b; });
  case P::ne:
    return makeBinary<I1, T>(operands, result,
                             [](T a, T b) -> I1 { return a != b; });
  case P::lt:
    return makeBinary<I1, T>(operands, result,
                             [](T a, T b) -> I1 { return a < b; });
  case P::le:
    return makeBinary<I1, T>(operands, result,
                             [](T a, T b) -> I1 { return a <= b; });
  case P::gt:
    return makeBinary<I1, T>(operands, result,
                             [](T a, T b) -> I1 { return a > b; });
  case P::ge:
    return makeBinary<I1, T>(operands, result,
                             [](T a, T b) -> I1 { return a >= b; });
  }
  return Status::error("unknown compare predicate");
}

template <typename T>
CommandOr prepareSelect(const std::vector<TensorRef> &operands,
                        const TensorRef &result) {
  const I1 *p = operands[0].as<const I1>();
  const T *t = operands[1].as<const T>();
  const T *f = operands[2].as<const T>();
  T *out = result.as<T>();
  return makeCommand([plan = planBroadcast(operands, result), p, t, f, out]() {
    const StridedPlan::Offsets &s = plan.innerStride;
    parallelSpans(plan, kElementGrain,
                  [&](const StridedPlan::Offsets &in, int64_t o, int64_t n) {
                    selectRow(out + o, p + in[0], s[0], t + in[1], s[1],
                              f + in[2], s[2], n);
                  });
    return Status::ok();
  });
}

CommandOr prepareCast(const TensorRef &operand, const TensorRef &result) {
  return visitDType(operand.desc->dtype, [&](auto from) {
    using From = decltype(from);
    return visitDType(result.desc->dtype, [&](auto to) {
      using To = decltype(to);
      return makeUnary<To, From>(operand, result,
                                 [](From x) { return convertOp<To, From>(x); });
    });
  });
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

bool isBinaryArithmetic(K op) {
  return op == K::add || op == K::sub || op == K::mul || op == K::div ||
         op == K::max || op == K::min || op == K::pow;
}

bool isNumericUnary(K op) {
  return op == K::neg || op == K::abs || op == K::relu;
}

/// The result shape is the broadcast of all operand shapes.
Status checkBroadcastResult(const Descs &operands, const TensorDesc &result) {
  Shape shape = operands[0]->shape;
  std::string names = shapeStr(shape);
  for (size_t i = 1; i < operands.size(); ++i) {
    std::optional<Shape> joined = broadcastShapes(shape, operands[i]->shape);
    names += " and " + shapeStr(operands[i]->shape);
    if (!joined)
      return Status::error("operand shapes " + names + " do not broadcast");
    shape = *joined;
  }
  if (result.shape != shape)
    return Status::error("result shape is " + shapeStr(result.shape) +
                         ", expected " + shapeStr(shape) +
                         " (the broadcast of " + names + ")");
  return Status::ok();
}

Status checkBinaryArithmetic(K op, const Descs &operands,
                             const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 2, 1));
  const TensorDesc &result = *results[0];
  if (op == K::pow)
    MLC_RETURN_IF_ERROR(expectFloat(result, "result"));
  else
    MLC_RETURN_IF_ERROR(expectNumeric(result, "result"));
  for (size_t i = 0; i < 2; ++i)
    MLC_RETURN_IF_ERROR(expectDType(*operands[i], result.dtype,
                                    "operand " + std::to_string(i)));
  return checkBroadcastResult(operands, result);
}

Status checkUnary(K op, const Descs &operands, const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 1, 1));
  if (isNumericUnary(op))
    MLC_RETURN_IF_ERROR(expectNumeric(*operands[0], "operand 0"));
  else
    MLC_RETURN_IF_ERROR(expectFloat(*operands[0], "operand 0"));
  return expectResult(*results[0], *operands[0]);
}

Status checkCompare(const fb::CpuKernel &kernel, const Descs &operands,
                    const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 2, 1));
  if (static_cast<unsigned>(kernel.predicate()) >
      static_cast<unsigned>(fb::ComparePredicate::MAX))
    return Status::error(
        "unknown predicate " +
        std::to_string(static_cast<unsigned>(kernel.predicate())));
  MLC_RETURN_IF_ERROR(expectNumeric(*operands[0], "operand 0"));
  MLC_RETURN_IF_ERROR(
      expectDType(*operands[1], operands[0]->dtype, "operand 1"));
  MLC_RETURN_IF_ERROR(expectDType(*results[0], DType::i1, "result"));
  return checkBroadcastResult(operands, *results[0]);
}

Status checkSelect(const Descs &operands, const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 3, 1));
  MLC_RETURN_IF_ERROR(
      expectDType(*operands[0], DType::i1, "operand 0 (the predicate)"));
  for (size_t i = 1; i < 3; ++i)
    MLC_RETURN_IF_ERROR(expectDType(*operands[i], results[0]->dtype,
                                    "operand " + std::to_string(i)));
  return checkBroadcastResult(operands, *results[0]);
}

Status checkCast(const Descs &operands, const Descs &results) {
  MLC_RETURN_IF_ERROR(checkArity(operands, results, 1, 1));
  if (operands[0]->shape != results[0]->shape)
    return Status::error("result shape is " + shapeStr(results[0]->shape) +
                         ", expected the operand shape " +
                         shapeStr(operands[0]->shape));
  return Status::ok();
}

} // namespace

Status checkElementwise(const fb::CpuKernel &kernel, const Descs &operands,
                        const Descs &results) {
  K op = kernel.op();
  if (isBinaryArithmetic(op))
    return checkBinaryArithmetic(op, operands, results);
  switch (op) {
  case K::compare:
    return checkCompare(kernel, operands, results);
  case K::select:
    return checkSelect(operands, results);
  case K::cast:
    return checkCast(operands, results);
  case K::gelu:
    if (kernel.approximate() > fb::GeluApproximation::MAX)
      return Status::error(
          "unknown approximation " +
          std::to_string(static_cast<unsigned>(kernel.approximate())));
    return checkUnary(op, operands, results);
  default:
    return checkUnary(op, operands, results);
  }
}

CommandOr prepareElementwise(const fb::CpuKernel &kernel,
                             const std::vector<TensorRef> &operands,
                             const std::vector<TensorRef> &results) {
  K op = kernel.op();
  const TensorRef &result = results[0];
  switch (op) {
  case K::compare:
    return visitDType(operands[0].desc->dtype, [&](auto tag) -> CommandOr {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, I1>)
        return Status::error("compare needs numeric operands");
      else
        return prepareCompare<T>(kernel.predicate(), operands, result);
    });
  case K::select:
    return visitDType(result.desc->dtype, [&](auto tag) {
      return prepareSelect<decltype(tag)>(operands, result);
    });
  case K::cast:
    return prepareCast(operands[0], result);
  default:
    break;
  }
  return visitDType(result.desc->dtype, [&](auto tag) -> CommandOr {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, I1>)
      return Status::error("i1 is not a numeric dtype");
    else if (isBinaryArithmetic(op))
      return prepareArithmetic<T>(op, operands, result);
    else
      return prepareUnaryMath<T>(kernel, operands[0], result);
  });
}

} // namespace mlc::rt::cpu
