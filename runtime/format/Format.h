// The .mlcx schema (generated from mlcx.fbs) and its version.
#ifndef MLC_RUNTIME_FORMAT_FORMAT_H
#define MLC_RUNTIME_FORMAT_FORMAT_H

#include "runtime/format/mlcx_generated.h"

#include <cstdint>

namespace mlc::fb {

/// The version this build writes and the newest it reads. Bump it when the
/// meaning of an existing field changes.
inline constexpr uint32_t kFormatVersion = 1;

} // namespace mlc::fb

#endif // MLC_RUNTIME_FORMAT_FORMAT_H
