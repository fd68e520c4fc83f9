// Files, safely: reading only regular files, mapped read-only rather than
// copied (a directory, a device or a file larger than memory gives an error,
// not an exception), and replacing files atomically without data loss.
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

/// Writes a file atomically: the bytes go to a temporary `TARGET.tmp.PID`
/// next to the target, are flushed to disk, and the temporary is renamed
/// over the target (and the folder flushed), so a crash leaves the old file
/// or the new one, never a torn one. A symbolic link is written through: its
/// target is replaced and the link stays a link. An existing target that is
/// not a regular file (a directory, a device, a FIFO) is refused untouched.
/// The temporary is removed on every error, and when the writer is
/// destroyed without commit(). One process writes a given target from one
/// thread at a time (the temporary's name holds only the pid).
class AtomicFileWriter {
public:
  /// Starts writing `path`. First removes the temporaries of the same
  /// target left by processes that no longer exist (killed mid-write).
  static StatusOr<AtomicFileWriter> create(const std::string &path);

  AtomicFileWriter(AtomicFileWriter &&other) noexcept;
  AtomicFileWriter &operator=(AtomicFileWriter &&other) = delete;
  AtomicFileWriter(const AtomicFileWriter &) = delete;
  AtomicFileWriter &operator=(const AtomicFileWriter &) = delete;
  ~AtomicFileWriter();

  /// Appends `size` bytes.
  Status write(const void *data, size_t size);
  /// Flushes the bytes to disk and puts the file in place.
  Status commit();

  /// The file that is replaced: the end of the symlink chain of the path
  /// given to create().
  const std::string &target() const { return target_; }
  const std::string &temporary() const { return temporary_; }

private:
  AtomicFileWriter() = default;
  /// Closes and removes the temporary; `failure` is returned.
  Status abandon(Status failure);

  std::string path_, target_, temporary_;
  int fd_ = -1;
};

/// Where a write to `path` lands: the end of its symlink chain. An existing
/// target that is not a regular file is refused ("PATH: is a directory;
/// refusing to replace it").
StatusOr<std::string> resolveWriteTarget(const std::string &path);

/// Removes the files `TARGET.tmp.PID` next to `target` whose process PID no
/// longer exists (kill(PID, 0) fails with ESRCH): the leftovers of writers
/// killed mid-write. Live processes' temporaries, this process's, and
/// every other file are left alone. Returns how many were removed.
int removeStaleTemporaries(const std::string &target);

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
