// Target plugins: each turns mlc ops into kernels of the executable format.
#ifndef MLC_BACKENDS_TARGET_H
#define MLC_BACKENDS_TARGET_H

#include "runtime/format/Format.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <optional>
#include <string>

namespace mlc {

/// A kernel body written into the executable being built.
struct KernelBody {
  fb::KernelBody type = fb::KernelBody::NONE;
  flatbuffers::Offset<void> offset;
};

/// A compilation target (cpu, cuda). The target-independent exporter
/// assigns buffers and orders commands; the target only says which ops it
/// can run and how each becomes a kernel.
class Target {
public:
  virtual ~Target() = default;
  /// The name programs carry and devices match ("cpu").
  virtual llvm::StringRef name() const = 0;
  /// Whether this target has a kernel for ops named `name` (checkOp may
  /// still refuse one for its types or attributes). Asked of every mlc op
  /// by registered_ops_test, so that an op without one fails a test.
  virtual bool hasKernel(mlir::OperationName name) const = 0;
  /// Why ops named `name` cannot be part of a "loop" kernel region on this
  /// target (every Elementwise op must be: -mlc-fuse groups them all), or
  /// nothing if they can.
  virtual std::optional<std::string>
  whyNotFusible(mlir::OperationName name) const = 0;
  /// Emits an error at `op` (naming the op and the reason) if this target
  /// cannot run it.
  virtual llvm::LogicalResult checkOp(mlir::Operation *op) const = 0;
  /// Writes the kernel body computing `op` into `fbb`.
  virtual llvm::FailureOr<KernelBody>
  buildKernel(mlir::Operation *op,
              flatbuffers::FlatBufferBuilder &fbb) const = 0;
};

/// The targets a tool can compile for, by name. Tools own one and pass it
/// down; nothing registers itself behind their back.
class TargetRegistry {
public:
  void add(std::unique_ptr<Target> target);
  const Target *lookup(llvm::StringRef name) const;
  /// "cpu, cuda", for messages.
  std::string names() const;

private:
  llvm::StringMap<std::unique_ptr<Target>> targets_;
};

/// Registers every target this build has (cpu; cuda where built).
void registerAllTargets(TargetRegistry &registry);

} // namespace mlc

#endif // MLC_BACKENDS_TARGET_H
