// What mlc-dump shows of an executable, as one JSON value: `--json` prints
// it and the text output is rendered from it, so both say the same.
#ifndef MLC_TOOLS_MLCDUMP_DESCRIBE_H
#define MLC_TOOLS_MLCDUMP_DESCRIBE_H

#include "runtime/Executable.h"

#include <nlohmann/json.hpp>

namespace mlc::dump {

/// Keys keep the order they are written in, so the output reads top down.
using Json = nlohmann::ordered_json;

/// Describes a verified executable: the header (file, version, metadata,
/// mesh), then per program its buffers (with their arena and offset),
/// totals per role, its arenas with the planned and unplanned bytes, its
/// kernels and its entry points with their commands. Every key is present in
/// every object of its kind (null where it does not apply), so tools can rely
/// on them. `file` is the path as the user gave it.
Json describe(const rt::Executable &exe, const std::string &file);

/// How a command changes persistent state: "in place" (a kernel computing
/// into a parameter, optimizer state or cache), "copy" (a copy command), or
/// "".
inline constexpr const char *kInPlace = "in place";
inline constexpr const char *kCopy = "copy";

} // namespace mlc::dump

#endif // MLC_TOOLS_MLCDUMP_DESCRIBE_H
