// Reading model files: parse, verify, report problems as file:line:col.
#include "frontend/ModelFile.h"

#include "ir/MlcDialect.h"

#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

namespace mlc {

namespace {

/// The first bracket of `text` nested deeper than `limit`, or nullptr.
const char *findDeepNesting(StringRef text, unsigned limit) {
  unsigned depth = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (c == '"') { // a string literal, with backslash escapes
      for (++i; i < e && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < e && text[i + 1] == '/') { // a comment
      while (i < e && text[i] != '\n')
        ++i;
      continue;
    }
    bool opens = c == '(' || c == '[' || c == '{' || c == '<';
    bool closes = c == ')' || c == ']' || c == '}' ||
                  (c == '>' && (i == 0 || text[i - 1] != '-')); // not `->`
    if (opens && ++depth > limit)
      return text.data() + i;
    if (closes && depth > 0)
      --depth;
  }
  return nullptr;
}

} // namespace

LogicalResult checkNesting(const llvm::SourceMgr &sourceMgr,
                           unsigned bufferId) {
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(bufferId);
  const char *deep = findDeepNesting(buffer->getBuffer(), kMaxNesting);
  if (!deep)
    return success();
  sourceMgr.PrintMessage(llvm::errs(), llvm::SMLoc::getFromPointer(deep),
                         llvm::SourceMgr::DK_Error,
                         "brackets nest deeper than " +
                             llvm::Twine(kMaxNesting) +
                             " levels here; mlc does not parse input this "
                             "deep");
  return failure();
}

void registerModelDialects(DialectRegistry &registry) {
  registry.insert<MlcDialect, func::FuncDialect>();
  func::registerInlinerExtension(registry);
}

void loadModelDialects(MLIRContext &context) {
  DialectRegistry registry;
  registerModelDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadDialect<MlcDialect, func::FuncDialect>();
}

OwningOpRef<ModuleOp> parseModelFile(StringRef path, MLIRContext &context,
                                     llvm::SourceMgr &sourceMgr) {
  // A device or a FIFO would be read until it ends (/dev/zero never does);
  // "-" still reads standard input.
  llvm::sys::fs::file_status status;
  if (path != "-" && !llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file) {
    emitError(UnknownLoc::get(&context))
        << "cannot read model file '" << path << "': "
        << (status.type() == llvm::sys::fs::file_type::directory_file
                ? "is a directory"
                : "is not a regular file");
    return nullptr;
  }
  auto file = llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (std::error_code ec = file.getError()) {
    emitError(UnknownLoc::get(&context))
        << "cannot read model file '" << path << "': " << ec.message();
    return nullptr;
  }
  unsigned id = sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  if (failed(checkNesting(sourceMgr, id)))
    return nullptr;
  // parseSourceFile verifies the module after parsing.
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

} // namespace mlc
