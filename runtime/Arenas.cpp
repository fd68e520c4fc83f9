// Checks of a program's memory layout: every slice inside its arena, and no
// bytes shared by two buffers that are live at the same time.
#include "runtime/Arenas.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

namespace mlc::rt {

namespace {

std::string bufferLabel(uint32_t index, const fb::Buffer &buffer) {
  std::string name = buffer.name() ? buffer.name()->str() : "";
  return "buffer " + std::to_string(index) + " ('" + name + "')";
}

std::string arenaLabel(uint32_t index, const fb::Arena &arena) {
  return "arena " + std::to_string(index) + " (" +
         fb::EnumNameArenaKind(arena.kind()) + ")";
}

/// "[64, 128)": the bytes two slices share.
std::string sharedBytes(const fb::Buffer &a, const fb::Buffer &b) {
  uint64_t begin = std::max(a.offset(), b.offset());
  uint64_t end =
      std::min(a.offset() + a.byte_size(), b.offset() + b.byte_size());
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

Status checkArenaTable(const fb::Program &program) {
  if (!program.arenas())
    return Status::ok();
  for (uint32_t a = 0; a < program.arenas()->size(); ++a) {
    const fb::Arena &arena = *program.arenas()->Get(a);
    if (static_cast<unsigned>(arena.kind()) >
        static_cast<unsigned>(fb::ArenaKind::MAX))
      return Status::error("arena " + std::to_string(a) +
                           " has an unknown kind " +
                           std::to_string(static_cast<int>(arena.kind())));
    if (arena.size() > kMaxArenaBytes)
      return Status::error(arenaLabel(a, arena) + " declares " +
                           std::to_string(arena.size()) +
                           " bytes, more than the 2^44 an arena may hold");
  }
  return Status::ok();
}

/// The slice of buffer `index`: in an arena of its role's kind, aligned, and
/// inside the arena (the buffer's byte size was checked before).
Status checkSlice(const fb::Program &program, uint32_t index) {
  const fb::Buffer &buffer = *program.buffers()->Get(index);
  std::string label = bufferLabel(index, buffer);
  uint32_t numArenas = program.arenas() ? program.arenas()->size() : 0;
  if (buffer.arena() >= numArenas)
    return Status::error(
        label + " lies in arena " + std::to_string(buffer.arena()) +
        ", but the program has " + std::to_string(numArenas) + " arenas");
  const fb::Arena &arena = *program.arenas()->Get(buffer.arena());
  fb::ArenaKind expected = fb::arenaKindOf(buffer.role());
  if (arena.kind() != expected)
    return Status::error(
        label + " is " + fb::EnumNameBufferRole(buffer.role()) +
        " but lies in " + arenaLabel(buffer.arena(), arena) +
        "; it belongs in a " + fb::EnumNameArenaKind(expected) + " arena");
  if (buffer.offset() % fb::kSliceAlignment != 0)
    return Status::error(
        label + " starts at offset " + std::to_string(buffer.offset()) +
        " of " + arenaLabel(buffer.arena(), arena) +
        ", which is not a multiple of " + std::to_string(fb::kSliceAlignment));
  if (buffer.offset() > arena.size() ||
      buffer.byte_size() > arena.size() - buffer.offset())
    return Status::error(label + " needs " +
                         std::to_string(buffer.byte_size()) +
                         " bytes at offset " + std::to_string(buffer.offset()) +
                         " of " + arenaLabel(buffer.arena(), arena) +
                         ", which has " + std::to_string(arena.size()));
  return Status::ok();
}

/// A view shares the slice of its base, an activation of its dtype and
/// byte size that is no view itself.
Status checkView(const fb::Program &program, uint32_t index) {
  const auto &buffers = *program.buffers();
  const fb::Buffer &view = *buffers.Get(index);
  std::string label = bufferLabel(index, view);
  if (view.view_of() >= buffers.size() || view.view_of() == index)
    return Status::error(label + " is a view of buffer " +
                         std::to_string(view.view_of()) +
                         ", which is not another buffer of the program");
  const fb::Buffer &base = *buffers.Get(view.view_of());
  std::string of = " is a view of " + bufferLabel(view.view_of(), base);
  if (base.view())
    return Status::error(label + of + ", itself a view");
  if (view.role() != fb::BufferRole::activation ||
      base.role() != fb::BufferRole::activation)
    return Status::error(label + of + "; only activations may be views");
  if (view.dtype() != base.dtype() || view.byte_size() != base.byte_size())
    return Status::error(label + of + " but their dtypes or byte sizes "
                                      "differ");
  if (view.arena() != base.arena() || view.offset() != base.offset())
    return Status::error(label + of + " but lies elsewhere (arena " +
                         std::to_string(view.arena()) + " offset " +
                         std::to_string(view.offset()) + ", not arena " +
                         std::to_string(base.arena()) + " offset " +
                         std::to_string(base.offset()) + ")");
  return Status::ok();
}

/// The buffer whose bytes `b` names: its base when it is a view.
uint32_t rootOf(const fb::Program &program, uint32_t b) {
  const fb::Buffer &buffer = *program.buffers()->Get(b);
  return buffer.view() ? buffer.view_of() : b;
}

/// Outside the workspace every buffer keeps its value for the whole
/// session (or is the caller's to write and read at any time), so no two
/// slices of one arena may share a byte.
Status checkDisjoint(const fb::Program &program) {
  const auto &buffers = *program.buffers();
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < buffers.size(); ++i)
    if (fb::arenaKindOf(buffers.Get(i)->role()) != fb::ArenaKind::workspace)
      order.push_back(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const fb::Buffer &x = *buffers.Get(a), &y = *buffers.Get(b);
    return std::make_pair(x.arena(), x.offset()) <
           std::make_pair(y.arena(), y.offset());
  });
  // The buffer reaching furthest so far in the current arena.
  const fb::Buffer *reach = nullptr;
  uint32_t reachIndex = 0;
  for (uint32_t i : order) {
    const fb::Buffer &buffer = *buffers.Get(i);
    if (reach && reach->arena() == buffer.arena() &&
        reach->offset() + reach->byte_size() > buffer.offset())
      return Status::error(
          bufferLabel(reachIndex, *reach) + " and " + bufferLabel(i, buffer) +
          " share bytes " + sharedBytes(*reach, buffer) + " of " +
          arenaLabel(buffer.arena(), *program.arenas()->Get(buffer.arena())) +
          "; only activations in the workspace may share memory");
    if (!reach || reach->arena() != buffer.arena() ||
        buffer.offset() + buffer.byte_size() >
            reach->offset() + reach->byte_size()) {
      reach = &buffer;
      reachIndex = i;
    }
  }
  return Status::ok();
}

/// When each workspace buffer of one entry point is live: from the first
/// command naming it to the last; -1 when no command names it.
struct Liveness {
  std::vector<int64_t> first, last;
};

Status workspaceLiveness(const fb::Program &program,
                         const fb::EntryPoint &entry, const std::string &label,
                         Liveness &live) {
  const auto &buffers = *program.buffers();
  live.first.assign(buffers.size(), -1);
  live.last.assign(buffers.size(), -1);
  std::vector<uint32_t> reads, writes;
  for (uint32_t c = 0; c < entry.commands()->size(); ++c) {
    commandBuffers(*entry.commands()->Get(c), reads, writes);
    for (uint32_t b : writes)
      if (buffers.Get(b)->view())
        return Status::error(label + " command " + std::to_string(c) +
                             " writes " + bufferLabel(b, *buffers.Get(b)) +
                             ", a view; views are only read");
    // A view is its base: reading it keeps the base's bytes live.
    for (uint32_t &b : reads)
      b = rootOf(program, b);
    for (uint32_t b : reads) {
      if (buffers.Get(b)->role() != fb::BufferRole::activation)
        continue;
      if (live.first[b] < 0)
        return Status::error(label + " command " + std::to_string(c) +
                             " reads " + bufferLabel(b, *buffers.Get(b)) +
                             ", an activation that no earlier command of the "
                             "entry point writes");
      live.last[b] = c;
    }
    for (uint32_t b : writes) {
      if (buffers.Get(b)->role() != fb::BufferRole::activation)
        continue;
      if (live.first[b] < 0)
        live.first[b] = c;
      live.last[b] = c;
    }
  }
  return Status::ok();
}

/// Sweeps the commands of `entry` in order, holding the slices of the live
/// workspace buffers; a buffer that becomes live must not share a byte with
/// one that is.
Status checkLiveOverlap(const fb::Program &program, const fb::EntryPoint &entry,
                        const std::string &label, const Liveness &live) {
  const auto &buffers = *program.buffers();
  std::vector<uint32_t> byFirst, byLast;
  for (uint32_t b = 0; b < buffers.size(); ++b)
    if (live.first[b] >= 0) {
      byFirst.push_back(b);
      byLast.push_back(b);
    }
  std::stable_sort(byFirst.begin(), byFirst.end(), [&](uint32_t a, uint32_t b) {
    return live.first[a] < live.first[b];
  });
  std::stable_sort(byLast.begin(), byLast.end(), [&](uint32_t a, uint32_t b) {
    return live.last[a] < live.last[b];
  });
  // Live slices by (arena, offset); they never overlap one another.
  std::map<std::pair<uint32_t, uint64_t>, uint32_t> slices;
  auto conflict = [&](uint32_t a, uint32_t b, int64_t c) {
    const fb::Buffer &x = *buffers.Get(a), &y = *buffers.Get(b);
    return Status::error(
        label + " command " + std::to_string(c) + ": " + bufferLabel(a, x) +
        " and " + bufferLabel(b, y) + " share bytes " + sharedBytes(x, y) +
        " of " + arenaLabel(y.arena(), *program.arenas()->Get(y.arena())) +
        " while both are live");
  };
  size_t nextStart = 0, nextEnd = 0;
  int64_t numCommands = static_cast<int64_t>(entry.commands()->size());
  for (int64_t c = 0; c < numCommands; ++c) {
    for (; nextStart < byFirst.size() && live.first[byFirst[nextStart]] == c;
         ++nextStart) {
      uint32_t b = byFirst[nextStart];
      const fb::Buffer &buffer = *buffers.Get(b);
      uint64_t end = buffer.offset() + buffer.byte_size();
      auto it = slices.lower_bound({buffer.arena(), buffer.offset()});
      if (it != slices.end() && it->first.first == buffer.arena() &&
          it->first.second < end)
        return conflict(it->second, b, c);
      if (it != slices.begin()) {
        auto before = std::prev(it);
        const fb::Buffer &other = *buffers.Get(before->second);
        if (before->first.first == buffer.arena() &&
            other.offset() + other.byte_size() > buffer.offset())
          return conflict(before->second, b, c);
      }
      slices.emplace(std::make_pair(buffer.arena(), buffer.offset()), b);
    }
    for (; nextEnd < byLast.size() && live.last[byLast[nextEnd]] == c;
         ++nextEnd) {
      const fb::Buffer &buffer = *buffers.Get(byLast[nextEnd]);
      slices.erase({buffer.arena(), buffer.offset()});
    }
  }
  return Status::ok();
}

/// An arena is at most as large as its buffers laid out one after another
/// (aligned), the layout without any sharing: a larger size is memory no
/// plan needs, and a crafted size would make a session allocate it.
Status checkArenaSizes(const fb::Program &program) {
  // Sums stop above the largest arena, far from overflow (each buffer is
  // below 2^40 bytes, but a file may hold millions of them).
  std::vector<uint64_t> unshared(program.arenas()->size(), 0);
  for (const fb::Buffer *buffer : *program.buffers()) {
    uint64_t &sum = unshared[buffer->arena()];
    sum = std::min(sum + (buffer->byte_size() + fb::kSliceAlignment - 1) /
                             fb::kSliceAlignment * fb::kSliceAlignment,
                   kMaxArenaBytes + 1);
  }
  for (uint32_t a = 0; a < program.arenas()->size(); ++a) {
    const fb::Arena &arena = *program.arenas()->Get(a);
    if (arena.size() > unshared[a])
      return Status::error(arenaLabel(a, arena) + " declares " +
                           std::to_string(arena.size()) +
                           " bytes, more than its buffers take without "
                           "sharing any (" +
                           std::to_string(unshared[a]) + ")");
  }
  return Status::ok();
}

} // namespace

void commandBuffers(const fb::Command &command, std::vector<uint32_t> &reads,
                    std::vector<uint32_t> &writes) {
  reads.clear();
  writes.clear();
  if (const fb::Dispatch *dispatch = command.body_as_Dispatch()) {
    if (dispatch->operands())
      reads.assign(dispatch->operands()->begin(), dispatch->operands()->end());
    if (dispatch->results())
      writes.assign(dispatch->results()->begin(), dispatch->results()->end());
  } else if (const fb::Copy *copy = command.body_as_Copy()) {
    reads.push_back(copy->source());
    writes.push_back(copy->target());
  } else if (const fb::Collective *collective = command.body_as_Collective()) {
    if (collective->operands())
      reads.assign(collective->operands()->begin(),
                   collective->operands()->end());
    if (collective->results())
      writes.assign(collective->results()->begin(),
                    collective->results()->end());
  }
}

Status checkArenas(const fb::Program &program) {
  MLC_RETURN_IF_ERROR(checkArenaTable(program));
  for (uint32_t i = 0; i < program.buffers()->size(); ++i) {
    MLC_RETURN_IF_ERROR(checkSlice(program, i));
    if (program.buffers()->Get(i)->view())
      MLC_RETURN_IF_ERROR(checkView(program, i));
  }
  MLC_RETURN_IF_ERROR(checkArenaSizes(program));
  MLC_RETURN_IF_ERROR(checkDisjoint(program));
  Liveness live;
  for (const fb::EntryPoint *entry : *program.entry_points()) {
    std::string label = "entry point '" + entry->name()->str() + "'";
    // The caller reads outputs after the call, when the workspace holds
    // other values.
    if (entry->outputs())
      for (const fb::Binding *b : *entry->outputs())
        if (program.buffers()->Get(b->buffer())->role() ==
            fb::BufferRole::activation)
          return Status::error(
              label + " output '" + b->name()->str() + "' is " +
              bufferLabel(b->buffer(), *program.buffers()->Get(b->buffer())) +
              ", an activation; outputs need buffers of the output role");
    if (!entry->commands())
      continue;
    MLC_RETURN_IF_ERROR(workspaceLiveness(program, *entry, label, live));
    MLC_RETURN_IF_ERROR(checkLiveOverlap(program, *entry, label, live));
  }
  return Status::ok();
}

uint64_t plannedBytes(const fb::Program &program) {
  uint64_t total = 0;
  if (program.arenas())
    for (const fb::Arena *arena : *program.arenas())
      total = arena->size() > UINT64_MAX - total ? UINT64_MAX
                                                 : total + arena->size();
  return total;
}

} // namespace mlc::rt
