// Reading whole files safely: regular files only, mapped read-only.
#include "runtime/File.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlc::rt {

namespace {

/// Longest chain of symbolic links followed (Linux's own limit).
constexpr int kMaxSymlinks = 40;

} // namespace

const char *fileTypeName(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG:
    return "regular file";
  case S_IFDIR:
    return "directory";
  case S_IFCHR:
    return "character device";
  case S_IFBLK:
    return "block device";
  case S_IFIFO:
    return "FIFO";
  case S_IFSOCK:
    return "socket";
  case S_IFLNK:
    return "symbolic link";
  }
  return "unknown file type";
}

Status errnoStatus(int err, const std::string &path, const std::string &what) {
  std::string message = path + ": " + what + " (" + std::strerror(err) + ")";
  switch (err) {
  case ENOMEM:
    return Status::outOfMemory(std::move(message));
  case ENOSPC:
  case EDQUOT:
  case EMFILE:
  case ENFILE:
  case EAGAIN:
  case EBUSY:
    return Status::unavailable(std::move(message));
  default:
    return Status::error(std::move(message));
  }
}

StatusOr<MappedFile> MappedFile::open(const std::string &path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can
  // tell what it is. It changes nothing for regular files.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return errnoStatus(errno, path, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = errnoStatus(errno, path, "cannot stat");
    ::close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    if (S_ISDIR(st.st_mode))
      return Status::error(path + ": is a directory");
    return Status::error(path + ": is not a regular file (" +
                         fileTypeName(st.st_mode) + ")");
  }
  MappedFile file;
  file.path_ = path;
  if (st.st_size > 0) {
    if (static_cast<uint64_t>(st.st_size) > SIZE_MAX) {
      ::close(fd);
      return Status::outOfMemory(path + ": too large to map");
    }
    size_t size = static_cast<size_t>(st.st_size);
    void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      Status s = errnoStatus(errno, path, "cannot map");
      ::close(fd);
      return s;
    }
    file.map_ = map;
    file.size_ = size;
  }
  ::close(fd); // the mapping stays valid without the descriptor
  return file;
}

MappedFile::MappedFile(MappedFile &&other) noexcept
    : map_(other.map_), size_(other.size_), path_(std::move(other.path_)) {
  other.map_ = nullptr;
  other.size_ = 0;
}

MappedFile &MappedFile::operator=(MappedFile &&other) noexcept {
  if (this != &other) {
    reset();
    map_ = other.map_;
    size_ = other.size_;
    path_ = std::move(other.path_);
    other.map_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() { reset(); }

void MappedFile::reset() {
  if (map_)
    ::munmap(map_, size_);
  map_ = nullptr;
  size_ = 0;
}

std::string parentDir(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string baseName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

StatusOr<std::string> resolveSymlinks(const std::string &path) {
  std::string current = path;
  for (int hops = 0; hops <= kMaxSymlinks; ++hops) {
    struct stat st;
    if (::lstat(current.c_str(), &st) != 0) {
      if (errno == ENOENT)
        return current; // a new file: created where the chain points
      return errnoStatus(errno, current, "cannot stat");
    }
    if (!S_ISLNK(st.st_mode))
      return current;
    char target[PATH_MAX];
    ssize_t n = ::readlink(current.c_str(), target, sizeof target - 1);
    if (n < 0)
      return errnoStatus(errno, current, "cannot read the symbolic link");
    if (static_cast<size_t>(n) >= sizeof target - 1)
      return Status::error(current + ": symbolic link target is too long");
    std::string next(target, static_cast<size_t>(n));
    if (next.empty())
      return Status::error(current + ": is an empty symbolic link");
    current = next[0] == '/' ? next : parentDir(current) + "/" + next;
  }
  return Status::error(path + ": too many levels of symbolic links");
}

} // namespace mlc::rt
