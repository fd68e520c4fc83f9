// mlc-dump: prints an .mlcx executable for a person (or, with --json, for
// a tool): its metadata and mesh, then per rank the buffers, kernels and
// entry points with their commands, as the compiler laid them out.
#include "Describe.h"
#include "Text.h"

#include "runtime/Executable.h"
#include "tools/common/Args.h"

#include <cstdio>

using namespace mlc;
using namespace mlc::rt;

namespace {

constexpr const char *kHelp =
    "usage: mlc-dump MODEL.mlcx [--json]\n"
    "\n"
    "Prints what an mlc executable holds, once it passes the checks mlc-run\n"
    "makes when it loads one:\n"
    "  - the file, format version, producer, model, optimizer, FLOPs per\n"
    "    step, parameter names and the mesh;\n"
    "  - per rank, the buffers (index, name, role, dtype x shape, bytes, the\n"
    "    initializer of parameters and optimizer state, splat or data size\n"
    "    of constants, frozen parameters) and their totals per role;\n"
    "  - the kernels: op, attributes and the source ops each computes;\n"
    "  - the entry points: kind, batch size, FLOPs, input and output\n"
    "    bindings, then each command (kernel, operands -> results), flagged\n"
    "    'in place' when it computes into a parameter or optimizer state\n"
    "    and 'copy' when it copies a buffer.\n"
    "\n"
    "The output holds no addresses or times: the same file prints the same.\n"
    "--json prints the same information as one JSON object on one line;\n"
    "every object of a kind has the same keys (null where one does not\n"
    "apply). A file the loader refuses is an error (exit status 1).\n"
    "\n"
    "options:\n";

tools::Args declareArgs() {
  tools::Args a("mlc-dump");
  a.flag("json", "print one JSON object instead of text");
  a.flag("help", "show this help");
  return a;
}

Status dumpMain(int argc, char **argv) {
  tools::Args args = declareArgs();
  MLC_RETURN_IF_ERROR(args.parse(argc, argv));
  if (args.has("help")) {
    std::printf("%s%s", kHelp, args.usage().c_str());
    return Status::ok();
  }
  if (args.positional().size() != 1)
    return Status::error("expected one executable (usage: mlc-dump "
                         "MODEL.mlcx [--json]; see --help)");
  const std::string &path = args.positional()[0];
  StatusOr<std::unique_ptr<Executable>> exe = Executable::loadFile(path);
  if (!exe.isOk())
    return exe.status();
  dump::Json description = dump::describe(**exe, path);
  if (args.has("json"))
    std::printf(
        "%s\n",
        description.dump(-1, ' ', false, dump::Json::error_handler_t::replace)
            .c_str());
  else
    std::fputs(dump::renderText(description).c_str(), stdout);
  return Status::ok();
}

} // namespace

int main(int argc, char **argv) {
  Status status = dumpMain(argc, argv);
  if (!status.isOk()) {
    std::fflush(stdout);
    std::fprintf(stderr, "mlc-dump: error: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}
