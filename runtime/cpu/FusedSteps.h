// The steps of fused programs (fb::FusedStep), shared by the interpreters
// of loop regions (Fused.cpp, which defines these) and reduction regions
// (FusedReduce.cpp), so that an elementwise step computes the same bits in
// both, and as the single-op kernels do.
#ifndef MLC_RUNTIME_CPU_FUSEDSTEPS_H
#define MLC_RUNTIME_CPU_FUSEDSTEPS_H

#include "runtime/cpu/KernelUtil.h"

namespace mlc::rt::cpu {

/// How many registers a step of kind `op` reads: 0 for a load (copy, of
/// command operand `a`), 1 to 3 for the elementwise kinds, -1 for kinds a
/// fused loop cannot hold.
int fusedStepArity(fb::OpKind op);

/// Checks elementwise or load step `i` of `steps`: a kind a loop holds,
/// f32 or i1 registers of the types the kind takes and gives, registers
/// of earlier steps only, loads of existing operands of the step's dtype.
Status checkFusedStep(const flatbuffers::Vector<const fb::FusedStep *> &steps,
                      uint32_t i, const Descs &operands);

/// out[0..n) = the elementwise kind of `step` applied to `args` (its
/// register operands in order), where args[k] points to n values, or to
/// one value used for all n when bit k of `scalars` is set. Loads are not
/// steps this runs.
void runFusedStep(const fb::FusedStep &step, const float *const args[3],
                  unsigned scalars, float *out, int64_t n);

} // namespace mlc::rt::cpu

#endif // MLC_RUNTIME_CPU_FUSEDSTEPS_H
