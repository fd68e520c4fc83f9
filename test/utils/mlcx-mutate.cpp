// mlcx-mutate: a test utility that rewrites one field of a valid .mlcx file
// to craft the broken executables the loader must reject. It unpacks with
// the FlatBuffers object API, so it never writes an unverifiable file.
//
//   mlcx-mutate IN OUT format_version=N
//   mlcx-mutate IN OUT buffer:NAME:byte_size=N
//   mlcx-mutate IN OUT buffer:NAME:shape=2x3
//   mlcx-mutate IN OUT command:ENTRY:INDEX:operand:J=N
//   mlcx-mutate IN OUT command:ENTRY:INDEX:kernel=N
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

fb::CommandT &command(fb::ProgramT &p, const std::string &entry, size_t index) {
  for (auto &e : p.entry_points)
    if (e->name == entry) {
      if (index >= e->commands.size())
        die("entry '" + entry + "' has no command " + std::to_string(index));
      return *e->commands[index];
    }
  die("no entry point '" + entry + "'");
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
  } else if (path.size() == 3 && path[0] == "buffer" &&
             path[2] == "byte_size") {
    bufferNamed(program, path[1]).byte_size = std::stoull(value);
  } else if (path.size() == 3 && path[0] == "buffer" && path[2] == "shape") {
    std::vector<int64_t> shape;
    for (const std::string &d : split(value, 'x'))
      shape.push_back(std::stoll(d));
    bufferNamed(program, path[1]).shape = shape;
  } else if (path.size() == 5 && path[0] == "command" && path[3] == "operand") {
    auto &ops = command(program, path[1], std::stoul(path[2])).operands;
    size_t j = std::stoul(path[4]);
    if (j >= ops.size())
      die("command has no operand " + path[4]);
    ops[j] = static_cast<uint32_t>(std::stoul(value));
  } else if (path.size() == 4 && path[0] == "command" && path[3] == "kernel") {
    command(program, path[1], std::stoul(path[2])).kernel =
        static_cast<uint32_t>(std::stoul(value));
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
