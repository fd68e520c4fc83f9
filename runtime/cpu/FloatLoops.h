// f32 loops of the elementwise kinds, one per kind and operand form, built
// for the x86-64 baseline (SSE2) and for AVX2 and chosen by the CPU at run
// time. The fused loop interpreter runs every step through them, and the
// single-op kernels their f32 math, so both use one compiled loop per
// function and the scalar definitions of ScalarOps.h.
//
// Both builds of a loop compute the same IEEE operations in the same order
// (no FMA: the runtime is built with -ffp-contract=off, and the AVX2 build
// does not enable FMA either), so they give the same bits, and a program
// gives the same results on a CPU without AVX2
// (test/unit/float_loops_test.cpp compares the two).
#ifndef MLC_RUNTIME_CPU_FLOATLOOPS_H
#define MLC_RUNTIME_CPU_FLOATLOOPS_H

#include "runtime/Tensor.h"

#include <cstdint>

namespace mlc::rt::cpu::loops {

/// The instruction sets the loops are built for.
enum class Isa : uint8_t { baseline, avx2 };

/// The widest of them this CPU (and its OS) can run.
Isa hostIsa();
/// Whether this CPU can run loops built for `isa`.
bool supported(Isa isa);

/// out[i] = f(a[i]).
using Unary = void (*)(float *out, const float *a, int64_t n);
/// out[i] = f(a[i], b[i]), or f(a[i], *b), f(*a, b[i]) (see Form).
using Binary = void (*)(float *out, const float *a, const float *b, int64_t n);
/// out[i] = p[i] != 0 ? t[i] : f[i], each operand possibly one value.
using Ternary = void (*)(float *out, const float *p, const float *t,
                         const float *f, int64_t n);

/// Which operands of a loop are one value read once (a splat) rather than
/// an array: bit k set for operand k.
using ScalarMask = unsigned;

/// The loop of a one-operand kind (neg ... gelu, and cast, whose result is
/// i1 as 0/1 or f32 unchanged), or nullptr for another kind.
Unary unaryLoop(fb::OpKind op, fb::GeluApproximation approximate, DType castTo,
                Isa isa);
/// The loop of a two-operand kind (add ... pow, compare with `predicate`,
/// whose result is i1 as 0/1); `scalars` may name one operand, not both.
/// nullptr for another kind.
Binary binaryLoop(fb::OpKind op, fb::ComparePredicate predicate,
                  ScalarMask scalars, Isa isa);
/// select's loop; any operands may be scalars.
Ternary selectLoop(ScalarMask scalars, Isa isa);

/// An operand computed on the fly from an array x and one value c: x
/// itself, x * c or x / c (a scaling step folded into its reader).
enum class Fold : uint8_t { none, mul, div };

/// out[i] = f(fa(a[i], *ca), fb(b[i], *cb)): a two-operand loop whose
/// operands may be scalings, so that a scaling and the step that reads it
/// make one pass instead of two; ca and cb are only read where fa and fb
/// fold.
using FoldedBinary = void (*)(float *out, const float *a, const float *ca,
                              const float *b, const float *cb, int64_t n);

/// The loop of add, sub or mul with operands folded as `fa` and `fb`
/// (not both none), or nullptr for another kind. `scalars` may name one
/// operand (which then has Fold::none).
FoldedBinary foldedLoop(fb::OpKind op, Fold fa, Fold fb, ScalarMask scalars,
                        Isa isa);

} // namespace mlc::rt::cpu::loops

#endif // MLC_RUNTIME_CPU_FLOATLOOPS_H
