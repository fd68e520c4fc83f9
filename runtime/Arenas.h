// Checks of a program's memory layout: arenas, the slice of each buffer,
// and that no two buffers sharing bytes are ever live at the same time.
#ifndef MLC_RUNTIME_ARENAS_H
#define MLC_RUNTIME_ARENAS_H

#include "runtime/Status.h"
#include "runtime/format/Format.h"

#include <cstdint>
#include <vector>

namespace mlc::rt {

/// Largest arena the runtime accepts (2^44 bytes): keeps offset arithmetic
/// far from overflow while holding many tensors of the 2^40 maximum.
inline constexpr uint64_t kMaxArenaBytes = uint64_t(1) << 44;

/// The buffers a command reads and writes (a copy reads its source and
/// writes its target, a collective its operands and results). The
/// command's indices must have been checked.
void commandBuffers(const fb::Command &command, std::vector<uint32_t> &reads,
                    std::vector<uint32_t> &writes);

/// Checks the arenas of `program` and where each buffer lies in them: a
/// known kind and a size of at most kMaxArenaBytes per arena; per buffer an
/// arena in range of its role's kind (fb::arenaKindOf), an offset aligned
/// to fb::kSliceAlignment and a slice inside the arena; no arena larger
/// than its buffers laid out without sharing. Outside the
/// workspace no two slices share a byte. Workspace buffers (activations)
/// may share bytes, but not while both are live in one entry point: a
/// buffer is live from the first command that names it to the last, and
/// that first command must write it (an activation holds nothing at the
/// start of a call). Entry points' buffer and command indices must have
/// been checked.
Status checkArenas(const fb::Program &program);

/// Sum of the arena sizes: the memory a session of `program` allocates.
uint64_t plannedBytes(const fb::Program &program);

} // namespace mlc::rt

#endif // MLC_RUNTIME_ARENAS_H
