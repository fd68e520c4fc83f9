// Files, safely: mapped reading of regular files, atomic replacement.
#include "runtime/File.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlc::rt {

namespace {

/// Longest chain of symbolic links followed (Linux's own limit).
constexpr int kMaxSymlinks = 40;

constexpr const char *kTemporaryInfix = ".tmp.";

/// The pid in `name` if it is `base` + ".tmp." + a positive decimal pid.
pid_t temporaryPid(const std::string &name, const std::string &base) {
  std::string prefix = base + kTemporaryInfix;
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix))
    return 0;
  long long pid = 0;
  for (size_t i = prefix.size(); i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || i - prefix.size() >= 10)
      return 0;
    pid = pid * 10 + (name[i] - '0');
  }
  return pid > 0 && pid <= INT_MAX ? static_cast<pid_t>(pid) : 0;
}

void fsyncDir(const std::string &dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

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

StatusOr<std::string> resolveWriteTarget(const std::string &path) {
  StatusOr<std::string> target = resolveSymlinks(path);
  if (!target.isOk())
    return target.status();
  struct stat st;
  if (::stat(target->c_str(), &st) != 0) {
    if (errno == ENOENT)
      return target; // a new file
    return errnoStatus(errno, *target, "cannot stat");
  }
  if (S_ISREG(st.st_mode))
    return target;
  std::string name = *target == path ? path : path + " (-> " + *target + ")";
  if (S_ISDIR(st.st_mode))
    return Status::error(name + ": is a directory; refusing to replace it");
  return Status::error(name + ": is not a regular file (" +
                       fileTypeName(st.st_mode) + "); refusing to replace it");
}

int removeStaleTemporaries(const std::string &target) {
  std::string dir = parentDir(target), base = baseName(target);
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return 0;
  int removed = 0;
  while (const struct dirent *e = ::readdir(d)) {
    pid_t pid = temporaryPid(e->d_name, base);
    if (pid == 0 || pid == ::getpid())
      continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH)
      continue; // alive, or not ours to judge (EPERM: alive, another user)
    std::string stale = dir + "/" + e->d_name;
    struct stat st;
    if (::lstat(stale.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::unlink(stale.c_str()) == 0)
      ++removed;
  }
  ::closedir(d);
  return removed;
}

StatusOr<AtomicFileWriter> AtomicFileWriter::create(const std::string &path) {
  StatusOr<std::string> target = resolveWriteTarget(path);
  if (!target.isOk())
    return target.status();
  removeStaleTemporaries(*target);
  AtomicFileWriter w;
  w.path_ = path;
  w.target_ = *target;
  w.temporary_ = w.target_ + kTemporaryInfix + std::to_string(::getpid());
  // O_EXCL | O_NOFOLLOW: never write through something already there. A
  // file with this process's pid is a leftover of an earlier process that
  // had the same pid (this one writes a target from one thread at a time).
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  w.fd_ = ::open(w.temporary_.c_str(), flags, 0644);
  if (w.fd_ < 0 && errno == EEXIST && ::unlink(w.temporary_.c_str()) == 0)
    w.fd_ = ::open(w.temporary_.c_str(), flags, 0644);
  if (w.fd_ < 0)
    return errnoStatus(errno, path, "cannot create " + w.temporary_);
  // A replaced file keeps its permissions (a private checkpoint stays so).
  struct stat st;
  if (::stat(w.target_.c_str(), &st) == 0)
    ::fchmod(w.fd_, st.st_mode & 07777);
  return w;
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter &&other) noexcept
    : path_(std::move(other.path_)), target_(std::move(other.target_)),
      temporary_(std::move(other.temporary_)), fd_(other.fd_) {
  other.fd_ = -1;
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0)
    (void)abandon(Status::ok());
}

Status AtomicFileWriter::abandon(Status failure) {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
  ::unlink(temporary_.c_str());
  return failure;
}

Status AtomicFileWriter::write(const void *data, size_t size) {
  if (fd_ < 0)
    return Status::internal(path_ + ": write after the file was closed");
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return abandon(errnoStatus(errno, path_, "write failed"));
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::ok();
}

Status AtomicFileWriter::commit() {
  if (fd_ < 0)
    return Status::internal(path_ + ": commit after the file was closed");
  if (::fsync(fd_) != 0)
    return abandon(errnoStatus(errno, path_, "fsync failed"));
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    Status s = errnoStatus(errno, path_, "close failed");
    ::unlink(temporary_.c_str());
    return s;
  }
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    Status s = errnoStatus(errno, path_,
                           "cannot rename " + temporary_ + " into place");
    ::unlink(temporary_.c_str());
    return s;
  }
  fsyncDir(parentDir(target_)); // makes the rename itself durable
  return Status::ok();
}

} // namespace mlc::rt
