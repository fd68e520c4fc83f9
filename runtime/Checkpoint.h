// Checkpoints and weight files: parameters (and optimizer state) of a
// session as safetensors, written atomically.
#ifndef MLC_RUNTIME_CHECKPOINT_H
#define MLC_RUNTIME_CHECKPOINT_H

#include "runtime/Session.h"

#include <cstdint>
#include <string>

namespace mlc::rt {

/// Writes every parameter, and with `withState` every optimizer-state
/// buffer, to `path` with the training step in the metadata. Atomic: a
/// crash mid-write leaves the previous file intact.
Status saveCheckpoint(Session &session, const std::string &path, uint64_t step,
                      bool withState);

enum class LoadScope {
  Parameters, // parameters only (weights from elsewhere, fine-tuning)
  Everything, // parameters and optimizer state (resuming training)
};

/// Loads tensors from `path` into the session's buffers of the same names.
/// Every buffer in scope must be present with the same shape and dtype;
/// tensors the model does not have are an error (a typo should not pass
/// silently). Returns the step recorded in the file (0 if none).
StatusOr<uint64_t> loadCheckpoint(Session &session, const std::string &path,
                                  LoadScope scope);

} // namespace mlc::rt

#endif // MLC_RUNTIME_CHECKPOINT_H
