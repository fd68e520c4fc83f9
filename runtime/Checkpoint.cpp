// Checkpoints and weight files as safetensors.
#include "runtime/Checkpoint.h"

#include "runtime/Safetensors.h"

#include <cstdlib>

namespace mlc::rt {

namespace {

constexpr const char *kStepKey = "mlc.step";

bool inScope(fb::BufferRole role, bool withState) {
  return role == fb::BufferRole::parameter ||
         (withState && fb::isPersistent(role));
}

} // namespace

Status saveCheckpoint(Session &session, const std::string &path, uint64_t step,
                      bool withState) {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<TensorToWrite> tensors;
  for (uint32_t b = 0; b < session.numBuffers(); ++b) {
    if (!inScope(session.bufferDef(b).role(), withState))
      continue;
    storage.emplace_back(session.desc(b).byteSize());
    MLC_RETURN_IF_ERROR(
        session.read(b, storage.back().data(), storage.back().size()));
  }
  size_t next = 0;
  for (uint32_t b = 0; b < session.numBuffers(); ++b)
    if (inScope(session.bufferDef(b).role(), withState))
      tensors.push_back(
          {session.bufferName(b), session.desc(b), storage[next++].data()});
  std::map<std::string, std::string> metadata = {
      {kStepKey, std::to_string(step)},
      {"mlc.contents",
       withState ? "parameters+optimizer_state" : "parameters"}};
  return writeSafetensors(path, tensors, metadata);
}

StatusOr<uint64_t> loadCheckpoint(Session &session, const std::string &path,
                                  LoadScope scope) {
  StatusOr<SafetensorsFile> file = SafetensorsFile::open(path);
  if (!file.isOk())
    return file.status();
  bool withState = scope == LoadScope::Everything;
  for (const SafetensorsEntry &e : file->entries()) {
    int64_t b = session.findBuffer(e.name);
    bool known = b >= 0 && fb::isPersistent(session.bufferDef(b).role());
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
                           session.desc(b).str() + ")" +
                           (withState ? "; resuming needs parameters and "
                                        "optimizer state"
                                      : ""));
    if (e->desc != session.desc(b))
      return Status::error(path + ": tensor '" + name + "' is " +
                           e->desc.str() + ", the model needs " +
                           session.desc(b).str());
    MLC_RETURN_IF_ERROR(session.write(b, e->data, e->desc.byteSize()));
  }
  auto it = file->metadata().find(kStepKey);
  if (it == file->metadata().end())
    return uint64_t(0);
  char *end = nullptr;
  unsigned long long step = std::strtoull(it->second.c_str(), &end, 10);
  if (!end || *end != '\0')
    return Status::error(path + ": metadata " + kStepKey + " is not a number");
  return static_cast<uint64_t>(step);
}

} // namespace mlc::rt
