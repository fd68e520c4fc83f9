// Checkpoints and weight files: parameters (and optimizer state) of a
// session as safetensors, written atomically.
#ifndef MLC_RUNTIME_CHECKPOINT_H
#define MLC_RUNTIME_CHECKPOINT_H

#include "runtime/Session.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mlc::rt {

/// Writes every parameter, and with `withState` every optimizer-state
/// buffer, to `path` with the training step in the metadata, and the
/// entries of `metadata` (such as the data order) beside it. Atomic: a
/// crash mid-write leaves the previous file intact. The file holds whole
/// tensors, so it loads into any mesh: with sharded state every rank calls
/// this (it gathers the pieces), and rank 0 writes; other ranks never
/// write.
Status saveCheckpoint(Session &session, const std::string &path, uint64_t step,
                      bool withState,
                      const std::map<std::string, std::string> &metadata = {});

/// Writes every output of `entry` as the session holds it now (after its
/// last call), named after the outputs, scalars and tensors alike, with
/// `metadata` and the entry point's name (mlc.entry). Atomic, as
/// saveCheckpoint.
Status saveOutputs(Session &session, const Entry &entry,
                   const std::string &path,
                   const std::map<std::string, std::string> &metadata = {});

enum class LoadScope {
  Parameters, // parameters only (weights from elsewhere, fine-tuning)
  Everything, // parameters and optimizer state (resuming training)
};

/// Loads tensors from `path` into the session's buffers of the same names
/// (whole tensors: a sharded buffer takes this rank's piece).
/// Every buffer in scope must be present with the same shape and dtype;
/// tensors the model does not have are an error (a typo should not pass
/// silently). With LoadScope::Everything the file must be an mlc training
/// checkpoint: its metadata `mlc.step` (decimal digits, within 64 bits) is
/// returned, and a missing or malformed step is an error. With
/// LoadScope::Parameters the step is not read and 0 is returned. Nothing is
/// written to the session unless the whole file is accepted. With
/// `metadata`, the file's metadata is copied there.
StatusOr<uint64_t>
loadCheckpoint(Session &session, const std::string &path, LoadScope scope,
               std::map<std::string, std::string> *metadata = nullptr);

/// What a training checkpoint records, besides its tensors, step and data
/// order (DataOrder), so that a resumed run continues the same training:
/// how many samples an optimizer step consumes, and the update it makes.
/// The samples of step s start s * microBatches batches into the data
/// order, so a run resumed with another batch size or number of
/// micro-batches would silently read from another position; another
/// learning rate, schedule or clipping would silently change the updates.
struct TrainingRecord {
  /// Samples per batch (per micro-batch with accumulation); 0 for a model
  /// without inputs.
  uint64_t batchSize = 0;
  /// Batches per optimizer step: K with `accumulate=K`, 1 without.
  uint64_t microBatches = 1;
  /// The executable's optimizer, as mlc-dump shows it ("adamw(lr=...);
  /// lr warmup 10 steps").
  std::string optimizer;

  /// Checkpoint metadata: mlc.batch_size, mlc.micro_batches, mlc.optimizer.
  std::map<std::string, std::string> toMetadata() const;
  /// The record in the metadata of checkpoint `origin`, or nothing if it
  /// has none (a file written before the keys existed). A partial or
  /// malformed record is an error naming the key.
  static StatusOr<std::optional<TrainingRecord>>
  fromMetadata(const std::map<std::string, std::string> &metadata,
               const std::string &origin);

  /// Refuses to resume `checkpoint` (which recorded this) with
  /// `executable`, whose steps are `current`, where they differ; the error
  /// names both values.
  Status checkResume(const std::string &checkpoint,
                     const std::string &executable,
                     const TrainingRecord &current) const;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_CHECKPOINT_H
