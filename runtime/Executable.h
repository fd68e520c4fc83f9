// Loading a .mlcx file: the FlatBuffers verifier, then checks of meaning.
#ifndef MLC_RUNTIME_EXECUTABLE_H
#define MLC_RUNTIME_EXECUTABLE_H

#include "runtime/File.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace mlc::rt {

/// A verified executable. Every index in it is in range and every buffer's
/// byte size matches its shape and dtype; what a kernel needs of its
/// buffers is checked later by the device that runs it (Session::create).
class Executable {
public:
  /// Maps and verifies `path` (a regular file; see MappedFile). Errors
  /// start with the path.
  static StatusOr<std::unique_ptr<Executable>>
  loadFile(const std::string &path);
  /// Verifies `bytes` held in memory; `origin` names them in errors (a
  /// path, "<memory>").
  static StatusOr<std::unique_ptr<Executable>>
  loadBytes(std::vector<uint8_t> bytes, const std::string &origin);

  const fb::Executable &root() const { return *root_; }
  const std::string &origin() const { return origin_; }
  /// Ranks of the mesh (1 without one).
  size_t numRanks() const { return meshSizes_.empty() ? 1 : meshRanks_; }
  /// The size of each mesh axis, in order (empty: one rank).
  const std::vector<uint32_t> &meshSizes() const { return meshSizes_; }
  /// "dp=2,tp=2" ("" without a mesh), for messages.
  std::string describeMesh() const;
  /// The program rank `rank` runs.
  const fb::Program &program(size_t rank) const {
    return programAt(programIndex(rank));
  }
  /// Distinct programs (one per role), and which one a rank runs.
  size_t numPrograms() const { return root_->programs()->size(); }
  size_t programIndex(size_t rank) const;
  const fb::Program &programAt(size_t index) const {
    return *root_->programs()->Get(static_cast<flatbuffers::uoffset_t>(index));
  }
  /// The description of buffer `index` of `program`.
  static TensorDesc bufferDesc(const fb::Buffer &buffer);

private:
  Executable() = default;
  /// Verifies the bytes held in mapped_ or bytes_.
  static StatusOr<std::unique_ptr<Executable>>
  verify(std::unique_ptr<Executable> exe, const uint8_t *data, size_t size);

  MappedFile mapped_;          // the bytes of a file from loadFile()
  std::vector<uint8_t> bytes_; // or those given to loadBytes()
  const fb::Executable *root_ = nullptr;
  std::string origin_;
  std::vector<uint32_t> meshSizes_;
  size_t meshRanks_ = 1;
};

/// Looks up an entry point by name; null if absent.
const fb::EntryPoint *findEntryPoint(const fb::Program &program,
                                     const std::string &name);

} // namespace mlc::rt

#endif // MLC_RUNTIME_EXECUTABLE_H
