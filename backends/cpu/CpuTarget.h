// The cpu target: each mlc op becomes a call to a built-in runtime kernel.
#ifndef MLC_BACKENDS_CPU_CPUTARGET_H
#define MLC_BACKENDS_CPU_CPUTARGET_H

#include "backends/Target.h"

namespace mlc {

std::unique_ptr<Target> createCpuTarget();

} // namespace mlc

#endif // MLC_BACKENDS_CPU_CPUTARGET_H
