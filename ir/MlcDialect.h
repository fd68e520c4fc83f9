// The mlc dialect: declarations of the dialect, its attributes and enums.
#ifndef MLC_IR_MLCDIALECT_H
#define MLC_IR_MLCDIALECT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "ir/MlcDialect.h.inc"
#include "ir/MlcEnums.h.inc"

namespace mlc {
/// Alignment of every memory slice (#mlc.slice offsets and arena sizes),
/// in bytes: a cache line, what vector loads and GEMM libraries want. The
/// executable format requires the same (fb::kSliceAlignment).
inline constexpr uint64_t kSliceAlignment = 64;
/// Largest arena the memory plan makes (2^44 bytes, as the runtime admits).
inline constexpr uint64_t kMaxArenaBytes = uint64_t(1) << 44;
} // namespace mlc

#define GET_ATTRDEF_CLASSES
#include "ir/MlcAttrs.h.inc"

#endif // MLC_IR_MLCDIALECT_H
