// Checkpoints and weight files as safetensors.
#include "runtime/Checkpoint.h"

#include "runtime/Safetensors.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace mlc::rt {

namespace {

constexpr const char *kStepKey = "mlc.step";
constexpr const char *kBatchKey = "mlc.batch_size";
constexpr const char *kMicroBatchesKey = "mlc.micro_batches";
constexpr const char *kOptimizerKey = "mlc.optimizer";

bool inScope(fb::BufferRole role, bool withState) {
  return role == fb::BufferRole::parameter ||
         (withState && fb::isPersistent(role));
}

/// `text` as decimal digits within 64 bits (no sign, no space, not empty).
std::optional<uint64_t> parseDecimal(const std::string &text) {
  if (text.empty())
    return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

/// The training step recorded in `file`.
StatusOr<uint64_t> recordedStep(const SafetensorsFile &file) {
  auto it = file.metadata().find(kStepKey);
  if (it == file.metadata().end())
    return Status::error(file.path() +
                         " is not an mlc training checkpoint: its metadata "
                         "has no " +
                         kStepKey +
                         "; it can still give initial parameters "
                         "(--init-from)");
  std::optional<uint64_t> step = parseDecimal(it->second);
  if (!step)
    return Status::error(file.path() + ": metadata " + kStepKey + " = '" +
                         it->second + "' is not a step number");
  return *step;
}

/// "4 micro-batches of 50 samples per step" or "batches of 50 samples, one
/// per step".
std::string describeSteps(const TrainingRecord &r) {
  std::string batch = std::to_string(r.batchSize) + " samples";
  if (r.microBatches == 1)
    return "batches of " + batch + ", one per step";
  return std::to_string(r.microBatches) + " micro-batches of " + batch +
         " per step";
}

} // namespace

std::map<std::string, std::string> TrainingRecord::toMetadata() const {
  return {{kBatchKey, std::to_string(batchSize)},
          {kMicroBatchesKey, std::to_string(microBatches)},
          {kOptimizerKey, optimizer}};
}

StatusOr<std::optional<TrainingRecord>>
TrainingRecord::fromMetadata(const std::map<std::string, std::string> &metadata,
                             const std::string &origin) {
  const char *keys[] = {kBatchKey, kMicroBatchesKey, kOptimizerKey};
  size_t present = 0;
  for (const char *key : keys)
    present += metadata.count(key);
  if (present == 0)
    return std::optional<TrainingRecord>();
  for (const char *key : keys)
    if (!metadata.count(key))
      return Status::error(origin +
                           ": the metadata records the training steps but "
                           "not " +
                           key);
  TrainingRecord record;
  std::optional<uint64_t> batch = parseDecimal(metadata.at(kBatchKey));
  if (!batch)
    return Status::error(origin + ": metadata " + kBatchKey + " = '" +
                         metadata.at(kBatchKey) + "' is not a batch size");
  std::optional<uint64_t> micro = parseDecimal(metadata.at(kMicroBatchesKey));
  if (!micro || *micro == 0)
    return Status::error(origin + ": metadata " + kMicroBatchesKey + " = '" +
                         metadata.at(kMicroBatchesKey) +
                         "' is not a number of micro-batches (1 or more)");
  record.batchSize = *batch;
  record.microBatches = *micro;
  record.optimizer = metadata.at(kOptimizerKey);
  return std::optional<TrainingRecord>(record);
}

Status TrainingRecord::checkResume(const std::string &checkpoint,
                                   const std::string &executable,
                                   const TrainingRecord &current) const {
  if (batchSize != current.batchSize || microBatches != current.microBatches) {
    std::string needed =
        microBatches == 1
            ? std::string("compiled without accumulate")
            : "compiled with accumulate=" + std::to_string(microBatches);
    return Status::error(
        checkpoint + " was trained with " + describeSteps(*this) + " (" +
        kMicroBatchesKey + " = " + std::to_string(microBatches) + ", " +
        kBatchKey + " = " + std::to_string(batchSize) + "), but " + executable +
        " takes " + describeSteps(current) +
        "; resumed, its steps would not read the data from the position the "
        "run reached. Resume with an executable of batch " +
        std::to_string(batchSize) + " " + needed +
        ", or start a new run from the parameters with --init-from");
  }
  if (optimizer != current.optimizer)
    return Status::error(
        checkpoint + " was trained with the optimizer '" + optimizer + "' (" +
        kOptimizerKey + "), but " + executable + " updates with '" +
        current.optimizer +
        "'; resumed, its steps would not be those of the run. Compile with "
        "the same --train settings to resume, or start a new run from the "
        "parameters with --init-from");
  return Status::ok();
}

namespace {

/// The whole tensor a buffer of a program holds a piece of (or is).
TensorDesc wholeDescOf(const fb::Buffer &buffer) {
  TensorDesc desc = Executable::bufferDesc(buffer);
  if (buffer.shard() && buffer.shard()->shape())
    desc.shape.assign(buffer.shard()->shape()->begin(),
                      buffer.shard()->shape()->end());
  return desc;
}

/// With several programs (the stages of a pipeline), rank 0 holds only its
/// program's state: the first rank of every other program sends it the
/// whole tensors in scope that no program before holds (a tied embedding
/// is written once), which rank 0 appends to `storage` and names in
/// `received`. `storage` holds this rank's own tensors, whole, in buffer
/// order. Every rank calls it; ranks with nothing to send return at once.
Status collectOtherPrograms(
    Session &session, bool withState,
    std::vector<std::vector<uint8_t>> &storage,
    std::vector<std::pair<std::string, TensorDesc>> &received) {
  const Executable &exe = session.executable();
  if (exe.numPrograms() < 2 || exe.numRanks() < 2)
    return Status::ok();
  size_t me = session.rank();
  std::map<std::string, size_t> mine; // name -> index into storage
  for (uint32_t b = 0, next = 0; b < session.numBuffers(); ++b)
    if (inScope(session.bufferDef(b).role(), withState))
      mine[session.bufferName(b)] = next++;
  std::set<std::string> held;
  size_t first = exe.programIndex(0);
  for (const fb::Buffer *b : *exe.programAt(first).buffers())
    if (inScope(b->role(), withState))
      held.insert(b->name()->str());
  Channel &world = session.world();
  for (size_t p = 0; p < exe.numPrograms(); ++p) {
    if (p == first)
      continue;
    size_t sender = 0;
    while (sender < exe.numRanks() && exe.programIndex(sender) != p)
      ++sender;
    for (const fb::Buffer *b : *exe.programAt(p).buffers()) {
      if (!inScope(b->role(), withState) ||
          !held.insert(b->name()->str()).second)
        continue;
      TensorDesc desc = wholeDescOf(*b);
      const std::string &name = b->name()->str();
      if (me == sender) {
        const std::vector<uint8_t> &bytes = storage[mine.at(name)];
        MLC_RETURN_IF_ERROR(world.send(bytes.data(), bytes.size(), 0)
                                .withContext("sending '" + name +
                                             "' to rank 0 for a "
                                             "checkpoint"));
      } else if (me == 0) {
        storage.emplace_back();
        MLC_RETURN_IF_ERROR(
            resizeOrFail(storage.back(), desc.byteSize(),
                         "receiving '" + name + "' for a checkpoint"));
        MLC_RETURN_IF_ERROR(
            world
                .recv(storage.back().data(), storage.back().size(),
                      static_cast<int>(sender))
                .withContext("receiving '" + name + "' from rank " +
                             std::to_string(sender) + " for a checkpoint"));
        received.push_back({name, desc});
      }
    }
  }
  return world.flushSends();
}

} // namespace

Status saveCheckpoint(Session &session, const std::string &path, uint64_t step,
                      bool withState,
                      const std::map<std::string, std::string> &extra) {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<TensorToWrite> tensors;
  for (uint32_t b = 0; b < session.numBuffers(); ++b) {
    if (!inScope(session.bufferDef(b).role(), withState))
      continue;
    // The whole tensor: a sharded one is gathered from every rank.
    storage.emplace_back();
    MLC_RETURN_IF_ERROR(session.readWhole(b, storage.back()));
  }
  std::vector<std::pair<std::string, TensorDesc>> others;
  MLC_RETURN_IF_ERROR(
      collectOtherPrograms(session, withState, storage, others));
  if (session.rank() != 0)
    return Status::ok();
  size_t next = 0;
  for (uint32_t b = 0; b < session.numBuffers(); ++b)
    if (inScope(session.bufferDef(b).role(), withState))
      tensors.push_back({session.bufferName(b), session.wholeDesc(b),
                         storage[next++].data()});
  for (auto &[name, desc] : others)
    tensors.push_back({name, desc, storage[next++].data()});
  std::map<std::string, std::string> metadata = extra;
  metadata[kStepKey] = std::to_string(step);
  metadata["mlc.contents"] =
      withState ? "parameters+optimizer_state" : "parameters";
  return writeSafetensors(path, tensors, metadata);
}

Status saveOutputs(Session &session, const Entry &entry,
                   const std::string &path,
                   const std::map<std::string, std::string> &extra) {
  const std::vector<BoundBuffer> &outputs = entry.outputs();
  std::vector<std::vector<uint8_t>> storage(outputs.size());
  std::vector<TensorToWrite> tensors;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const BoundBuffer &b = outputs[i];
    MLC_RETURN_IF_ERROR(resizeOrFail(storage[i], b.desc->byteSize(),
                                     "saving output '" + b.name + "'"));
    MLC_RETURN_IF_ERROR(
        session.read(b.buffer, storage[i].data(), storage[i].size()));
    tensors.push_back({b.name, *b.desc, storage[i].data()});
  }
  std::map<std::string, std::string> metadata = extra;
  metadata["mlc.entry"] = entry.name();
  return writeSafetensors(path, tensors, metadata);
}

StatusOr<uint64_t>
loadCheckpoint(Session &session, const std::string &path, LoadScope scope,
               std::map<std::string, std::string> *metadata) {
  StatusOr<SafetensorsFile> file = SafetensorsFile::open(path);
  if (!file.isOk())
    return file.status();
  bool withState = scope == LoadScope::Everything;
  // Everything is checked before any buffer is written: a refused file
  // leaves the session as it was.
  uint64_t step = 0;
  if (withState) {
    StatusOr<uint64_t> recorded = recordedStep(*file);
    if (!recorded.isOk())
      return recorded.status();
    step = *recorded;
  }
  // A pipeline's ranks hold their stage's state: a tensor any program
  // holds is the model's.
  std::set<std::string> persistent;
  const Executable &exe = session.executable();
  for (size_t p = 0; p < exe.numPrograms(); ++p)
    for (const fb::Buffer *b : *exe.programAt(p).buffers())
      if (fb::isPersistent(b->role()))
        persistent.insert(b->name()->str());
  for (const SafetensorsEntry &e : file->entries()) {
    bool known = persistent.count(e.name) != 0;
    if (!known)
      return Status::error(
          path + ": tensor '" + e.name +
          "' is not a parameter or optimizer state of the model");
  }
  for (uint32_t b = 0; b < session.numBuffers(); ++b) {
    if (!inScope(session.bufferDef(b).role(), withState))
      continue;
    const std::string &name = session.bufferName(b);
    const SafetensorsEntry *e = file->find(name);
    if (!e)
      return Status::error(path + " has no tensor '" + name + "' (" +
                           session.wholeDesc(b).str() + ")" +
                           (withState ? "; resuming needs parameters and "
                                        "optimizer state"
                                      : ""));
    if (e->desc != session.wholeDesc(b))
      return Status::error(path + ": tensor '" + name + "' is " +
                           e->desc.str() + ", the model needs " +
                           session.wholeDesc(b).str());
    // The optimizer's step counter and the recorded step count the same
    // steps; a file where they differ was edited or mixed up.
    if (session.bufferDef(b).role() == fb::BufferRole::step_counter) {
      int64_t counted = 0;
      std::memcpy(&counted, e->data, sizeof counted);
      if (counted < 0 || static_cast<uint64_t>(counted) != step)
        return Status::error(path + ": tensor '" + name + "' counts " +
                             std::to_string(counted) +
                             " optimizer steps but the file records step " +
                             std::to_string(step) + " (" + kStepKey +
                             "); the checkpoint is inconsistent");
    }
  }
  for (uint32_t b = 0; b < session.numBuffers(); ++b) {
    if (!inScope(session.bufferDef(b).role(), withState))
      continue;
    const SafetensorsEntry *e = file->find(session.bufferName(b));
    MLC_RETURN_IF_ERROR(session.writeWhole(b, e->data, e->desc.byteSize()));
  }
  if (metadata)
    *metadata = file->metadata();
  return step;
}

} // namespace mlc::rt
