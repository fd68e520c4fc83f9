// f32 loops of the elementwise kinds, for each instruction set the runtime
// is built for (see FloatLoops.h).
//
// Each loop is a plain loop over one functor. Its body is instantiated
// twice: in a function of the default target, and in one marked
// target("avx2"), into which the always-inline functor (and the VecMath.h
// function it calls) is inlined, so the vectorizer widens it to 8 lanes.
// Nothing else is compiled for AVX2: no inline function of another header
// gets an AVX2 copy that the linker could pick for baseline code.
#include "runtime/cpu/FloatLoops.h"
#include "runtime/cpu/ScalarOps.h"

#include <cmath>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MLC_AVX2_LOOPS 1
#define MLC_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define MLC_AVX2_LOOPS 0
#endif

namespace mlc::rt::cpu::loops {

Isa hostIsa() {
#if MLC_AVX2_LOOPS
  static const Isa isa = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? Isa::avx2 : Isa::baseline;
  }();
  return isa;
#else
  return Isa::baseline;
#endif
}

bool supported(Isa isa) {
  return isa == Isa::baseline || hostIsa() == Isa::avx2;
}

namespace {

using K = fb::OpKind;
using P = fb::ComparePredicate;

//===----------------------------------------------------------------------===//
// Functors: the scalar definition of each kind
//===----------------------------------------------------------------------===//

#define MLC_UNARY(Name, expr)                                                  \
  struct Name {                                                                \
    MLC_VECMATH_INLINE float operator()(float a) const { return expr; }        \
  };
#define MLC_BINARY(Name, expr)                                                 \
  struct Name {                                                                \
    MLC_VECMATH_INLINE float operator()(float a, float b) const {              \
      return expr;                                                             \
    }                                                                          \
  };

MLC_UNARY(Neg, -a)
MLC_UNARY(Abs, vecmath::absOf(a))
MLC_UNARY(Exp, scalar::exp(a))
MLC_UNARY(Log, scalar::log(a))
MLC_UNARY(Tanh, scalar::tanh(a))
MLC_UNARY(Sqrt, std::sqrt(a))
MLC_UNARY(Rsqrt, scalar::rsqrt(a))
MLC_UNARY(Relu, scalar::relu(a))
MLC_UNARY(Sigmoid, scalar::sigmoid(a))
MLC_UNARY(Cos, std::cos(a))
MLC_UNARY(Sin, std::sin(a))
MLC_UNARY(Erf, scalar::erf(a))
MLC_UNARY(Silu, scalar::silu(a))
MLC_UNARY(Gelu, scalar::gelu(a))
MLC_UNARY(GeluTanh, scalar::geluTanh(a))
MLC_UNARY(ToBool, a != 0.0f ? 1.0f : 0.0f)
MLC_UNARY(Identity, a)

MLC_BINARY(Add, a + b)
MLC_BINARY(Sub, a - b)
MLC_BINARY(Mul, (a * b))
MLC_BINARY(Div, a / b)
MLC_BINARY(Max, scalar::max(a, b))
MLC_BINARY(Min, scalar::min(a, b))
MLC_BINARY(Pow, std::pow(a, b))
MLC_BINARY(Eq, a == b ? 1.0f : 0.0f)
MLC_BINARY(Ne, a != b ? 1.0f : 0.0f)
MLC_BINARY(Lt, a < b ? 1.0f : 0.0f)
MLC_BINARY(Le, a <= b ? 1.0f : 0.0f)
MLC_BINARY(Gt, a > b ? 1.0f : 0.0f)
MLC_BINARY(Ge, a >= b ? 1.0f : 0.0f)

#undef MLC_UNARY
#undef MLC_BINARY

//===----------------------------------------------------------------------===//
// Loop bodies, shared by every instruction set
//===----------------------------------------------------------------------===//

/// One operand of a loop: an array, or (Scalar) one value read up front,
/// so that the loop does not reload it after every store.
template <bool Scalar> struct In {
  const float *p;
  float v;
  explicit In(const float *q) : p(q), v(Scalar ? *q : 0.0f) {}
  MLC_VECMATH_INLINE float operator[](int64_t i) const {
    return Scalar ? v : p[i];
  }
};

template <typename Op>
MLC_VECMATH_INLINE void unaryBody(float *out, const float *a, int64_t n) {
  Op op;
  for (int64_t i = 0; i < n; ++i)
    out[i] = op(a[i]);
}

template <typename Op, ScalarMask S>
MLC_VECMATH_INLINE void binaryBody(float *out, const float *a, const float *b,
                                   int64_t n) {
  Op op;
  In<(S & 1) != 0> x(a);
  In<(S & 2) != 0> y(b);
  for (int64_t i = 0; i < n; ++i)
    out[i] = op(x[i], y[i]);
}

template <Fold F> MLC_VECMATH_INLINE float applyFold(float x, float c) {
  if constexpr (F == Fold::mul)
    return x * c;
  else if constexpr (F == Fold::div)
    return x / c;
  else
    return x;
}

template <typename Op, Fold FA, Fold FB, ScalarMask S>
MLC_VECMATH_INLINE void foldedBody(float *out, const float *a, const float *ca,
                                   const float *b, const float *cb, int64_t n) {
  Op op;
  In<(S & 1) != 0> x(a);
  In<(S & 2) != 0> y(b);
  const float cx = FA == Fold::none ? 0.0f : *ca;
  const float cy = FB == Fold::none ? 0.0f : *cb;
  for (int64_t i = 0; i < n; ++i)
    out[i] = op(applyFold<FA>(x[i], cx), applyFold<FB>(y[i], cy));
}

template <ScalarMask S>
MLC_VECMATH_INLINE void selectBody(float *out, const float *p, const float *t,
                                   const float *f, int64_t n) {
  In<(S & 1) != 0> c(p);
  In<(S & 2) != 0> x(t);
  In<(S & 4) != 0> y(f);
  for (int64_t i = 0; i < n; ++i) {
    const float tv = x[i], fv = y[i]; // unconditional loads vectorize
    out[i] = c[i] != 0.0f ? tv : fv;
  }
}

//===----------------------------------------------------------------------===//
// The same bodies compiled per instruction set
//===----------------------------------------------------------------------===//

template <typename Op> void unaryBase(float *out, const float *a, int64_t n) {
  unaryBody<Op>(out, a, n);
}
template <typename Op, ScalarMask S>
void binaryBase(float *out, const float *a, const float *b, int64_t n) {
  binaryBody<Op, S>(out, a, b, n);
}
template <ScalarMask S>
void selectBase(float *out, const float *p, const float *t, const float *f,
                int64_t n) {
  selectBody<S>(out, p, t, f, n);
}
template <typename Op, Fold FA, Fold FB, ScalarMask S>
void foldedBase(float *out, const float *a, const float *ca, const float *b,
                const float *cb, int64_t n) {
  foldedBody<Op, FA, FB, S>(out, a, ca, b, cb, n);
}

#if MLC_AVX2_LOOPS
template <typename Op>
MLC_TARGET_AVX2 void unaryAvx2(float *out, const float *a, int64_t n) {
  unaryBody<Op>(out, a, n);
}
template <typename Op, ScalarMask S>
MLC_TARGET_AVX2 void binaryAvx2(float *out, const float *a, const float *b,
                                int64_t n) {
  binaryBody<Op, S>(out, a, b, n);
}
template <ScalarMask S>
MLC_TARGET_AVX2 void selectAvx2(float *out, const float *p, const float *t,
                                const float *f, int64_t n) {
  selectBody<S>(out, p, t, f, n);
}
template <typename Op, Fold FA, Fold FB, ScalarMask S>
MLC_TARGET_AVX2 void foldedAvx2(float *out, const float *a, const float *ca,
                                const float *b, const float *cb, int64_t n) {
  foldedBody<Op, FA, FB, S>(out, a, ca, b, cb, n);
}
#endif

template <typename Op> Unary unary(Isa isa) {
#if MLC_AVX2_LOOPS
  if (isa == Isa::avx2)
    return &unaryAvx2<Op>;
#endif
  return &unaryBase<Op>;
}

template <typename Op, ScalarMask S> Binary binaryForm(Isa isa) {
#if MLC_AVX2_LOOPS
  if (isa == Isa::avx2)
    return &binaryAvx2<Op, S>;
#endif
  return &binaryBase<Op, S>;
}

/// Both operands scalar (a run of one element) is the array form.
template <typename Op> Binary binary(ScalarMask scalars, Isa isa) {
  switch (scalars) {
  case 1:
    return binaryForm<Op, 1>(isa);
  case 2:
    return binaryForm<Op, 2>(isa);
  default:
    return binaryForm<Op, 0>(isa);
  }
}

template <ScalarMask S> Ternary selectForm(Isa isa) {
#if MLC_AVX2_LOOPS
  if (isa == Isa::avx2)
    return &selectAvx2<S>;
#endif
  return &selectBase<S>;
}

template <typename Op, Fold FA, Fold FB, ScalarMask S>
FoldedBinary foldedForm(Isa isa) {
#if MLC_AVX2_LOOPS
  if (isa == Isa::avx2)
    return &foldedAvx2<Op, FA, FB, S>;
#endif
  return &foldedBase<Op, FA, FB, S>;
}

/// A folded as FA, b as `fb` (b is one value where `scalars` is 2).
template <typename Op, Fold FA>
FoldedBinary foldedWithA(Fold fb, ScalarMask scalars, Isa isa) {
  if constexpr (FA != Fold::none)
    if (scalars == 2)
      return foldedForm<Op, FA, Fold::none, 2>(isa);
  switch (fb) {
  case Fold::mul:
    return foldedForm<Op, FA, Fold::mul, 0>(isa);
  case Fold::div:
    return foldedForm<Op, FA, Fold::div, 0>(isa);
  default:
    if constexpr (FA != Fold::none)
      return foldedForm<Op, FA, Fold::none, 0>(isa);
    return nullptr;
  }
}

/// The folded forms of one kind: a scalar operand (bit 0 or 1 of
/// `scalars`) is never folded, and something is.
template <typename Op>
FoldedBinary folded(Fold fa, Fold fb, ScalarMask scalars, Isa isa) {
  bool valid = (fa != Fold::none || fb != Fold::none) && scalars != 3 &&
               !(scalars == 1 && fa != Fold::none) &&
               !(scalars == 2 && fb != Fold::none);
  if (!valid)
    return nullptr;
  if (scalars == 1) // a is one value, b folded
    return fb == Fold::mul ? foldedForm<Op, Fold::none, Fold::mul, 1>(isa)
                           : foldedForm<Op, Fold::none, Fold::div, 1>(isa);
  switch (fa) {
  case Fold::mul:
    return foldedWithA<Op, Fold::mul>(fb, scalars, isa);
  case Fold::div:
    return foldedWithA<Op, Fold::div>(fb, scalars, isa);
  default:
    return foldedWithA<Op, Fold::none>(fb, scalars, isa);
  }
}

} // namespace

Unary unaryLoop(K op, fb::GeluApproximation approximate, DType castTo,
                Isa isa) {
  switch (op) {
  case K::neg:
    return unary<Neg>(isa);
  case K::abs:
    return unary<Abs>(isa);
  case K::exp:
    return unary<Exp>(isa);
  case K::log:
    return unary<Log>(isa);
  case K::tanh:
    return unary<Tanh>(isa);
  case K::sqrt:
    return unary<Sqrt>(isa);
  case K::rsqrt:
    return unary<Rsqrt>(isa);
  case K::relu:
    return unary<Relu>(isa);
  case K::sigmoid:
    return unary<Sigmoid>(isa);
  case K::cos:
    return unary<Cos>(isa);
  case K::sin:
    return unary<Sin>(isa);
  case K::erf:
    return unary<Erf>(isa);
  case K::silu:
    return unary<Silu>(isa);
  case K::gelu:
    if (approximate == fb::GeluApproximation::tanh)
      return unary<GeluTanh>(isa);
    return unary<Gelu>(isa);
  case K::cast: // to i1 is x != 0; f32 and i1 (0 or 1) to f32 keep x
    if (castTo == DType::i1)
      return unary<ToBool>(isa);
    return unary<Identity>(isa);
  default:
    return nullptr;
  }
}

Binary binaryLoop(K op, P predicate, ScalarMask scalars, Isa isa) {
  switch (op) {
  case K::add:
    return binary<Add>(scalars, isa);
  case K::sub:
    return binary<Sub>(scalars, isa);
  case K::mul:
    return binary<Mul>(scalars, isa);
  case K::div:
    return binary<Div>(scalars, isa);
  case K::max:
    return binary<Max>(scalars, isa);
  case K::min:
    return binary<Min>(scalars, isa);
  case K::pow:
    return binary<Pow>(scalars, isa);
  case K::compare:
    switch (predicate) {
    case P::eq:
      return binary<Eq>(scalars, isa);
    case P::ne:
      return binary<Ne>(scalars, isa);
    case P::lt:
      return binary<Lt>(scalars, isa);
    case P::le:
      return binary<Le>(scalars, isa);
    case P::gt:
      return binary<Gt>(scalars, isa);
    default:
      return binary<Ge>(scalars, isa);
    }
  default:
    return nullptr;
  }
}

Ternary selectLoop(ScalarMask scalars, Isa isa) {
  switch (scalars & 7u) {
  case 1:
    return selectForm<1>(isa);
  case 2:
    return selectForm<2>(isa);
  case 3:
    return selectForm<3>(isa);
  case 4:
    return selectForm<4>(isa);
  case 5:
    return selectForm<5>(isa);
  case 6:
    return selectForm<6>(isa);
  case 7:
    return selectForm<7>(isa);
  default:
    return selectForm<0>(isa);
  }
}

FoldedBinary foldedLoop(K op, Fold fa, Fold fb, ScalarMask scalars, Isa isa) {
  switch (op) {
  case K::add:
    return folded<Add>(fa, fb, scalars, isa);
  case K::sub:
    return folded<Sub>(fa, fb, scalars, isa);
  case K::mul:
    return folded<Mul>(fa, fb, scalars, isa);
  default:
    return nullptr;
  }
}

} // namespace mlc::rt::cpu::loops
