// mlc-dump's output for a person: the description as aligned tables.
#ifndef MLC_TOOLS_MLCDUMP_TEXT_H
#define MLC_TOOLS_MLCDUMP_TEXT_H

#include "Describe.h"

#include <string>

namespace mlc::dump {

/// Renders what describe() returned: the header, then per program its
/// buffer table with totals per role, its kernels and its entry points.
std::string renderText(const Json &description);

} // namespace mlc::dump

#endif // MLC_TOOLS_MLCDUMP_TEXT_H
