// The .mlcx schema (generated from mlcx.fbs) and its version.
#ifndef MLC_RUNTIME_FORMAT_FORMAT_H
#define MLC_RUNTIME_FORMAT_FORMAT_H

#include "runtime/format/mlcx_generated.h"

#include <cstdint>

namespace mlc::fb {

/// The version this build writes and the newest it reads. Bump it when the
/// meaning of an existing field changes.
inline constexpr uint32_t kFormatVersion = 5;
/// The oldest version this build reads.
inline constexpr uint32_t kOldestFormatVersion = 3;

/// Whether buffers of `role` persist across calls and are saved in
/// checkpoints (parameters and everything the optimizer keeps).
inline constexpr bool isPersistent(BufferRole role) {
  return role == BufferRole::parameter || role == BufferRole::optimizer_state ||
         role == BufferRole::step_counter;
}

/// Whether buffers of `role` keep their values from one call to the next
/// (persistent state and KV caches; caches are not saved in checkpoints).
inline constexpr bool keepsValues(BufferRole role) {
  return isPersistent(role) || role == BufferRole::kv_cache;
}

/// The kind of arena a buffer of `role` lies in.
inline constexpr ArenaKind arenaKindOf(BufferRole role) {
  switch (role) {
  case BufferRole::parameter:
    return ArenaKind::parameter;
  case BufferRole::optimizer_state:
    return ArenaKind::optimizer_state;
  case BufferRole::step_counter:
    return ArenaKind::step_counter;
  case BufferRole::grad_accumulator:
    return ArenaKind::grad_accumulator;
  case BufferRole::kv_cache:
    return ArenaKind::kv_cache;
  case BufferRole::constant:
    return ArenaKind::constant;
  case BufferRole::input:
  case BufferRole::output:
    return ArenaKind::io;
  case BufferRole::activation:
    return ArenaKind::workspace;
  }
  return ArenaKind::workspace;
}

/// Alignment of arenas and of every slice in them, in bytes (a cache line;
/// what vector loads and GEMM libraries want).
inline constexpr uint64_t kSliceAlignment = 64;

/// Bytes per element of `dtype` in a buffer (i1 is one byte); 0 for a value
/// outside the enum. Writers and readers of the format both use it.
inline constexpr uint64_t elementBytes(DType dtype) {
  switch (dtype) {
  case DType::f32:
  case DType::i32:
    return 4;
  case DType::f64:
  case DType::i64:
    return 8;
  case DType::bf16:
  case DType::f16:
    return 2;
  case DType::i1:
    return 1;
  }
  return 0;
}

} // namespace mlc::fb

#endif // MLC_RUNTIME_FORMAT_FORMAT_H
