// Reading and atomically writing safetensors files (weights, checkpoints,
// data sets): 8 bytes of header length, a JSON header, then raw data.
#ifndef MLC_RUNTIME_SAFETENSORS_H
#define MLC_RUNTIME_SAFETENSORS_H

#include "runtime/File.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <map>
#include <string>
#include <vector>

namespace mlc::rt {

/// One tensor of a safetensors file.
struct SafetensorsEntry {
  std::string name;
  TensorDesc desc;
  const uint8_t *data = nullptr; // into the file's bytes
};

/// A whole safetensors file, verified on open: the header length fits the
/// file, the header is a JSON object, every dtype is known, every tensor's
/// byte range lies in the file and matches its shape.
class SafetensorsFile {
public:
  /// Maps `path` (see MappedFile: regular files only, nothing copied, so
  /// data sets larger than memory work). Errors start with the path.
  static StatusOr<SafetensorsFile> open(const std::string &path);
  /// Verifies bytes already in memory; `origin` names them in errors.
  static StatusOr<SafetensorsFile> parse(std::vector<uint8_t> bytes,
                                         const std::string &origin);

  const std::string &path() const { return path_; }
  const std::vector<SafetensorsEntry> &entries() const { return entries_; }
  const SafetensorsEntry *find(const std::string &name) const;
  const std::map<std::string, std::string> &metadata() const {
    return metadata_;
  }
  /// "x (100x8xf32), y (100x1xf32)", for error messages.
  std::string listing() const;

private:
  /// Fills entries_ and metadata_ from `size` bytes at `data`, which must
  /// stay where they are (mapped_ or owned_).
  Status index(const uint8_t *data, size_t size);

  std::string path_;
  MappedFile mapped_;          // the bytes of a file from open()
  std::vector<uint8_t> owned_; // or those given to parse()
  std::vector<SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

/// A tensor to write.
struct TensorToWrite {
  std::string name;
  TensorDesc desc;
  const void *data;
};

/// Writes `tensors` (and string `metadata`) to `path` atomically through an
/// AtomicFileWriter: a crash leaves either the old file or the new, a
/// symbolic link is written through (it stays a link), a target that is not
/// a regular file is refused untouched, and no temporary is left behind on
/// an error. Names and metadata must be valid UTF-8 (the header is JSON).
Status writeSafetensors(const std::string &path,
                        const std::vector<TensorToWrite> &tensors,
                        const std::map<std::string, std::string> &metadata);

} // namespace mlc::rt

#endif // MLC_RUNTIME_SAFETENSORS_H
