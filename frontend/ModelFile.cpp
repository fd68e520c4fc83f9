// Reading model files: parse, verify, report problems as file:line:col.
#include "frontend/ModelFile.h"

#include "ir/MlcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

namespace mlc {

void loadModelDialects(MLIRContext &context) {
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
  sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  // parseSourceFile verifies the module after parsing.
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

} // namespace mlc
