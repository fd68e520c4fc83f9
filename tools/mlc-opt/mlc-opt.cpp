// mlc-opt: runs mlc and upstream passes on MLIR files.
#include "ir/MlcDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlc::MlcDialect, mlir::func::FuncDialect>();
  mlir::registerTransformsPasses(); // canonicalize, cse, inline, ...
  mlc::registerMlcPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "mlc optimizer driver\n", registry));
}
