// mlcx-mutate: a test utility that rewrites one field of a valid .mlcx file
// to craft the broken executables the loader must reject. It unpacks with
// the FlatBuffers object API, so it never writes an unverifiable file.
//
//   mlcx-mutate IN OUT format_version=N
//   mlcx-mutate IN OUT buffer:B:byte_size=N
//   mlcx-mutate IN OUT buffer:B:shape=2x3
//   mlcx-mutate IN OUT buffer:B:name=TEXT        (name_hex=77ff31 for bytes)
//   mlcx-mutate IN OUT buffer:B:role=ROLE        (parameter, step_counter, ...)
//   mlcx-mutate IN OUT buffer:B:init=KIND,FIRST,SECOND
//   mlcx-mutate IN OUT buffer:B:splat=0|1
//   mlcx-mutate IN OUT buffer:B:offset=N         (offset=@NAME: NAME's)
//   mlcx-mutate IN OUT buffer:B:arena=N
//   mlcx-mutate IN OUT buffer:B:view_of=N        (a view of buffer N)
//   mlcx-mutate IN OUT buffer:B:view=0|1
//   mlcx-mutate IN OUT arena:A:size=N            (A: index)
//   mlcx-mutate IN OUT command:ENTRY:INDEX:operand:J=N
//   mlcx-mutate IN OUT command:ENTRY:INDEX:result:J=N
//   mlcx-mutate IN OUT command:ENTRY:INDEX:kernel=N   (a dispatch's)
//   mlcx-mutate IN OUT entry:ENTRY:kind=KIND|N   (other, train, eval)
//   mlcx-mutate IN OUT entry:ENTRY:commands=none
//   mlcx-mutate IN OUT entry:ENTRY:outputs=none
//   mlcx-mutate IN OUT entry:ENTRY:output:J=N
//   mlcx-mutate IN OUT entry:ENTRY:batch_axes=0,1 (or none)
//   mlcx-mutate IN OUT command:ENTRY:INDEX:axes=0,1   (a collective's; none)
//   mlcx-mutate IN OUT command:ENTRY:INDEX:reduction=NAME|N
//   mlcx-mutate IN OUT command:ENTRY:INDEX:collective=KIND|N
//   mlcx-mutate IN OUT mesh:A:size=N  mesh:A:name=TEXT
//   mlcx-mutate IN OUT rank_programs=0,1 (or none)
//   mlcx-mutate IN OUT kernel:NAME:layout=row|column  (a reduction region's)
//   mlcx-mutate IN OUT kernel:NAME:axes=0,1
//
// Operands and results of commands are those of a dispatch or a
// collective.
//
// A buffer B is named, or `role=ROLE` for the first buffer of that role; a
// buffer index N may be written `@NAME`.
#include "runtime/format/Format.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

using namespace mlc;

namespace {

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep))
    parts.push_back(part);
  return parts;
}

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "mlcx-mutate: %s\n", message.c_str());
  std::exit(2);
}

fb::BufferT &bufferNamed(fb::ProgramT &p, const std::string &name) {
  for (auto &b : p.buffers)
    if (b->name == name)
      return *b;
  die("no buffer '" + name + "'");
}

fb::BufferT &bufferSelected(fb::ProgramT &p, const std::string &selector) {
  if (selector.rfind("role=", 0) != 0)
    return bufferNamed(p, selector);
  std::string role = selector.substr(5);
  for (auto &b : p.buffers)
    if (role == fb::EnumNameBufferRole(b->role))
      return *b;
  die("no buffer of role '" + role + "'");
}

/// A buffer index: a number, or @NAME.
uint32_t bufferIndex(fb::ProgramT &p, const std::string &value) {
  if (value.empty() || value[0] != '@')
    return static_cast<uint32_t>(std::stoul(value));
  for (size_t i = 0; i < p.buffers.size(); ++i)
    if (p.buffers[i]->name == value.substr(1))
      return static_cast<uint32_t>(i);
  die("no buffer '" + value.substr(1) + "'");
}

template <typename Enum>
Enum enumValue(const std::string &value, const char *const *names, int max) {
  for (int i = 0; i <= max; ++i)
    if (value == names[i])
      return static_cast<Enum>(i);
  return static_cast<Enum>(std::stoi(value));
}

fb::EntryPointT &entryNamed(fb::ProgramT &p, const std::string &entry) {
  for (auto &e : p.entry_points)
    if (e->name == entry)
      return *e;
  die("no entry point '" + entry + "'");
}

fb::CommandT &commandAt(fb::ProgramT &p, const std::string &entry,
                        size_t index) {
  fb::EntryPointT &e = entryNamed(p, entry);
  if (index >= e.commands.size())
    die("entry '" + entry + "' has no command " + std::to_string(index));
  return *e.commands[index];
}

/// A dispatch command (copies have no operand or kernel to change).
fb::DispatchT &command(fb::ProgramT &p, const std::string &entry,
                       size_t index) {
  fb::DispatchT *dispatch = commandAt(p, entry, index).body.AsDispatch();
  if (!dispatch)
    die("command " + std::to_string(index) + " of '" + entry +
        "' is not a dispatch");
  return *dispatch;
}

fb::CollectiveT &collective(fb::ProgramT &p, const std::string &entry,
                            size_t index) {
  fb::CollectiveT *c = commandAt(p, entry, index).body.AsCollective();
  if (!c)
    die("command " + std::to_string(index) + " of '" + entry +
        "' is not a collective");
  return *c;
}

/// The operands or results of a dispatch or a collective.
std::vector<uint32_t> &commandBuffers(fb::ProgramT &p, const std::string &entry,
                                      size_t index, bool operands) {
  fb::CommandT &c = commandAt(p, entry, index);
  if (fb::CollectiveT *col = c.body.AsCollective())
    return operands ? col->operands : col->results;
  fb::DispatchT &d = command(p, entry, index);
  return operands ? d.operands : d.results;
}

/// "0,1" as indices; "none" is empty.
std::vector<uint32_t> indexList(const std::string &value) {
  std::vector<uint32_t> list;
  if (value != "none")
    for (const std::string &part : split(value, ','))
      list.push_back(static_cast<uint32_t>(std::stoul(part)));
  return list;
}

std::string fromHex(const std::string &hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

void mutateBuffer(fb::ProgramT &p, fb::BufferT &b, const std::string &field,
                  const std::string &value) {
  if (field == "offset") {
    b.offset = value.empty() || value[0] != '@'
                   ? std::stoull(value)
                   : p.buffers[bufferIndex(p, value)]->offset;
  } else if (field == "arena") {
    b.arena = static_cast<uint32_t>(std::stoul(value));
  } else if (field == "byte_size") {
    b.byte_size = std::stoull(value);
  } else if (field == "shape") {
    b.shape.clear();
    for (const std::string &d : split(value, 'x'))
      b.shape.push_back(std::stoll(d));
  } else if (field == "name") {
    b.name = value;
  } else if (field == "name_hex") {
    b.name = fromHex(value);
  } else if (field == "role") {
    b.role = enumValue<fb::BufferRole>(value, fb::EnumNamesBufferRole(),
                                       static_cast<int>(fb::BufferRole::MAX));
  } else if (field == "init") {
    std::vector<std::string> parts = split(value, ',');
    if (parts.size() != 3)
      die("init=KIND,FIRST,SECOND");
    b.init = std::make_unique<fb::InitSpecT>();
    b.init->kind = enumValue<fb::InitKind>(
        parts[0], fb::EnumNamesInitKind(), static_cast<int>(fb::InitKind::MAX));
    b.init->first = std::stod(parts[1]);
    b.init->second = std::stod(parts[2]);
  } else if (field == "splat") {
    b.splat = value == "1";
  } else if (field == "view_of") {
    // view_of=@NAME or an index; makes the buffer a view.
    b.view = true;
    b.view_of = value.empty() || value[0] != '@'
                    ? static_cast<uint32_t>(std::stoul(value))
                    : bufferIndex(p, value);
  } else if (field == "view") {
    b.view = value == "1";
  } else {
    die("unknown buffer field '" + field + "'");
  }
}

/// The reduction region (FusedReduce body) of kernel `name`.
fb::FusedReduceT &reduction(fb::ProgramT &p, const std::string &name) {
  for (auto &k : p.kernels)
    if (k->name == name) {
      if (fb::FusedReduceT *r = k->body.AsFusedReduce())
        return *r;
      die("kernel '" + name + "' is not a reduction region");
    }
  die("no kernel '" + name + "'");
}

void mutateReduction(fb::FusedReduceT &r, const std::string &field,
                     const std::string &value) {
  if (field == "layout") {
    r.layout =
        enumValue<fb::ReduceLayout>(value, fb::EnumNamesReduceLayout(),
                                    static_cast<int>(fb::ReduceLayout::MAX));
  } else if (field == "axes") {
    r.axes.clear();
    for (const std::string &axis : split(value, ','))
      r.axes.push_back(std::stoll(axis));
  } else {
    die("unknown kernel field '" + field + "'");
  }
}

void apply(fb::ExecutableT &exe, const std::string &mutation) {
  size_t eq = mutation.rfind('=');
  if (eq == std::string::npos)
    die("mutation '" + mutation + "' needs =VALUE");
  std::vector<std::string> path = split(mutation.substr(0, eq), ':');
  std::string value = mutation.substr(eq + 1);
  fb::ProgramT &program = *exe.programs.at(0);
  if (path.size() == 1 && path[0] == "format_version") {
    exe.format_version = static_cast<uint32_t>(std::stoul(value));
  } else if (path.size() == 3 && path[0] == "buffer") {
    mutateBuffer(program, bufferSelected(program, path[1]), path[2], value);
  } else if (path.size() == 3 && path[0] == "arena" && path[2] == "size") {
    size_t a = std::stoul(path[1]);
    if (a >= program.arenas.size())
      die("no arena " + path[1]);
    program.arenas[a]->size = std::stoull(value);
  } else if (path.size() == 5 && path[0] == "command" &&
             (path[3] == "operand" || path[3] == "result")) {
    auto &list = commandBuffers(program, path[1], std::stoul(path[2]),
                                path[3] == "operand");
    size_t j = std::stoul(path[4]);
    if (j >= list.size())
      die("command has no " + path[3] + " " + path[4]);
    list[j] = bufferIndex(program, value);
  } else if (path.size() == 4 && path[0] == "command" && path[3] == "axes") {
    collective(program, path[1], std::stoul(path[2])).axes = indexList(value);
  } else if (path.size() == 4 && path[0] == "command" &&
             path[3] == "reduction") {
    collective(program, path[1], std::stoul(path[2])).reduction =
        enumValue<fb::Reduction>(value, fb::EnumNamesReduction(),
                                 static_cast<int>(fb::Reduction::MAX));
  } else if (path.size() == 4 && path[0] == "command" &&
             path[3] == "collective") {
    collective(program, path[1], std::stoul(path[2])).kind =
        enumValue<fb::CollectiveKind>(
            value, fb::EnumNamesCollectiveKind(),
            static_cast<int>(fb::CollectiveKind::MAX));
  } else if (path.size() == 3 && path[0] == "entry" &&
             path[2] == "batch_axes") {
    entryNamed(program, path[1]).batch_axes = indexList(value);
  } else if (path.size() == 3 && path[0] == "mesh") {
    size_t a = std::stoul(path[1]);
    if (!exe.mesh || a >= exe.mesh->axes.size())
      die("no mesh axis " + path[1]);
    if (path[2] == "size")
      exe.mesh->axes[a]->size = static_cast<uint32_t>(std::stoul(value));
    else if (path[2] == "name")
      exe.mesh->axes[a]->name = value;
    else
      die("unknown mesh field '" + path[2] + "'");
  } else if (path.size() == 1 && path[0] == "rank_programs") {
    exe.rank_programs = indexList(value);
  } else if (path.size() == 3 && path[0] == "kernel") {
    mutateReduction(reduction(program, path[1]), path[2], value);
  } else if (path.size() == 4 && path[0] == "command" && path[3] == "kernel") {
    command(program, path[1], std::stoul(path[2])).kernel =
        static_cast<uint32_t>(std::stoul(value));
  } else if (path.size() == 3 && path[0] == "entry" && path[2] == "kind") {
    entryNamed(program, path[1]).kind = enumValue<fb::EntryKind>(
        value, fb::EnumNamesEntryKind(), static_cast<int>(fb::EntryKind::MAX));
  } else if (path.size() == 3 && path[0] == "entry" && path[2] == "commands" &&
             value == "none") {
    entryNamed(program, path[1]).commands.clear();
  } else if (path.size() == 3 && path[0] == "entry" && path[2] == "outputs" &&
             value == "none") {
    entryNamed(program, path[1]).outputs.clear();
  } else if (path.size() == 4 && path[0] == "entry" && path[2] == "output") {
    auto &outputs = entryNamed(program, path[1]).outputs;
    size_t j = std::stoul(path[3]);
    if (j >= outputs.size())
      die("entry point has no output " + path[3]);
    outputs[j]->buffer = bufferIndex(program, value);
  } else {
    die("unknown mutation '" + mutation + "'");
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 4)
    die("usage: mlcx-mutate IN OUT MUTATION...");
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!fb::VerifyExecutableBuffer(verifier))
    die(std::string(argv[1]) + " is not a valid executable");
  std::unique_ptr<fb::ExecutableT> exe(
      fb::GetExecutable(bytes.data())->UnPack());
  for (int i = 3; i < argc; ++i)
    apply(*exe, argv[i]);
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishExecutableBuffer(fbb, fb::Executable::Pack(fbb, exe.get()));
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
            static_cast<std::streamsize>(fbb.GetSize()));
  return out ? 0 : 1;
}
