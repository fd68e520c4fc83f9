// Reading whole files safely: only regular files, mapped read-only rather
// than copied, so a directory, a device or a file larger than memory gives
// an error instead of an exception or an allocation failure.
#ifndef MLC_RUNTIME_FILE_H
#define MLC_RUNTIME_FILE_H

#include "runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mlc::rt {

/// A regular file mapped read-only into memory. The bytes keep their
/// address for the object's lifetime, moves included, and start on a page
/// boundary (so FlatBuffers' alignment checks hold). An empty file maps
/// nothing: data() is null and size() 0. Pages are read as they are used,
/// so files larger than memory work; a file truncated by another process
/// while mapped is not supported.
class MappedFile {
public:
  /// Maps `path`. Anything but a regular file is refused with a message
  /// naming the path and what it is: "PATH: is a directory", "PATH: is not
  /// a regular file (character device)"; a missing or unreadable file gives
  /// "PATH: cannot open (reason)".
  static StatusOr<MappedFile> open(const std::string &path);

  MappedFile() = default;
  MappedFile(MappedFile &&other) noexcept;
  MappedFile &operator=(MappedFile &&other) noexcept;
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile();

  const uint8_t *data() const { return static_cast<const uint8_t *>(map_); }
  size_t size() const { return size_; }
  const std::string &path() const { return path_; }

private:
  void reset();

  void *map_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

/// "directory", "character device", "FIFO", ... for the file-type bits of
/// a `st_mode`.
const char *fileTypeName(unsigned mode);

/// Follows `path` through symbolic links (a relative link target is taken
/// from the link's folder) to the path it names in the end, which need not
/// exist yet. Fails on a loop or a chain of more than 40 links.
StatusOr<std::string> resolveSymlinks(const std::string &path);

/// The folder part of `path` ("." for a bare name, "/" for "/x").
std::string parentDir(const std::string &path);
/// The last component of `path` ("x" for "a/b/x").
std::string baseName(const std::string &path);

/// An error for the failed system call described by `what` on `path`, with
/// the code that fits `err` (errno): OutOfMemory for ENOMEM, Unavailable
/// for exhausted resources (disk space, quotas, file handles), else
/// InvalidInput. The message is "PATH: WHAT (strerror)".
Status errnoStatus(int err, const std::string &path, const std::string &what);

} // namespace mlc::rt

#endif // MLC_RUNTIME_FILE_H
