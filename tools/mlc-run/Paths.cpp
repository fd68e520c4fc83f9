// Checks of mlc-run's file options: outputs that name inputs, or each other.
#include "Paths.h"

#include "runtime/File.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <vector>

namespace mlc::run {

namespace {

/// What names a file: device and inode if it exists, else the real path of
/// its folder and its name (where it would be created).
struct FileIdentity {
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  std::string location;

  bool operator==(const FileIdentity &o) const {
    if (exists != o.exists)
      return false;
    return exists ? device == o.device && inode == o.inode
                  : location == o.location;
  }
};

FileIdentity identify(const std::string &path) {
  FileIdentity id;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.device = st.st_dev;
    id.inode = st.st_ino;
    return id;
  }
  // Not there (yet): where a write would create it, through any dangling
  // symlink. A path that cannot be resolved keeps its spelling; opening it
  // reports the problem later.
  rt::StatusOr<std::string> target = rt::resolveSymlinks(path);
  std::string end = target.isOk() ? *target : path;
  char real[PATH_MAX];
  std::string dir = rt::parentDir(end);
  id.location = (::realpath(dir.c_str(), real) ? std::string(real) : dir) +
                "/" + rt::baseName(end);
  return id;
}

/// A file option as given: "--data" (or "the executable") and its path.
struct NamedPath {
  std::string label;
  std::string path;
  FileIdentity id;
};

std::vector<NamedPath> given(const tools::Args &args,
                             std::initializer_list<const char *> options) {
  std::vector<NamedPath> out;
  for (const char *name : options)
    if (args.has(name))
      out.push_back({std::string("--") + name, args.get(name), {}});
  return out;
}

rt::Status checkMetricsKind(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return rt::Status::ok(); // created on open
  if (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
    return rt::Status::ok();
  if (S_ISDIR(st.st_mode))
    return rt::Status::error("--metrics " + path + ": is a directory");
  return rt::Status::error("--metrics " + path + ": is a " +
                           rt::fileTypeName(st.st_mode) +
                           "; metrics go to a regular file, a character "
                           "device or a FIFO");
}

} // namespace

rt::Status checkPaths(const tools::Args &args) {
  std::vector<NamedPath> inputs =
      given(args, {"data", "eval-data", "init-from", "resume"});
  if (args.positional().size() == 1)
    inputs.insert(inputs.begin(), {"the executable", args.positional()[0], {}});
  std::vector<NamedPath> outputs =
      given(args, {"metrics", "save", "save-params", "save-outputs", "profile",
                   "trace"});

  for (std::vector<NamedPath> *group : {&inputs, &outputs})
    for (NamedPath &p : *group) {
      if (p.path.empty())
        return rt::Status::error(p.label + " needs a file name");
      p.id = identify(p.path);
    }

  if (args.has("metrics"))
    MLC_RETURN_IF_ERROR(checkMetricsKind(args.get("metrics")));
  for (const char *name : {"save", "save-params", "save-outputs", "trace"})
    if (args.has(name)) {
      rt::StatusOr<std::string> target = rt::resolveWriteTarget(args.get(name));
      if (!target.isOk())
        return target.status().withContext(std::string("--") + name);
    }

  for (size_t o = 0; o < outputs.size(); ++o) {
    const NamedPath &out = outputs[o];
    for (const NamedPath &in : inputs) {
      bool resumeInPlace = out.label == "--save" && in.label == "--resume";
      if (out.id == in.id && !resumeInPlace)
        return rt::Status::error(out.label + " and " + in.label +
                                 " name the same file (" + out.path +
                                 "); refusing to overwrite an input");
    }
    for (size_t earlier = 0; earlier < o; ++earlier)
      if (outputs[earlier].id == out.id)
        return rt::Status::error(outputs[earlier].label + " and " + out.label +
                                 " name the same file (" + out.path +
                                 "); give each output its own file");
  }
  return rt::Status::ok();
}

} // namespace mlc::run
