// Helpers the partitioning passes (-mlc-data-parallel, -mlc-tensor-parallel)
// share in their rules: each follows a split through the ops of a function
// with a layout type of its own.
#ifndef MLC_PASSES_PARTITIONING_H
#define MLC_PASSES_PARTITIONING_H

#include "ir/MlcOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <optional>
#include <utility>

namespace mlc {

/// The module's mesh from a pass's `mesh` option (dp=2,tp=2), or an error
/// at the module naming what is wrong with it.
mlir::FailureOr<MeshAttr> meshFromSpec(mlir::ModuleOp module,
                                       llvm::StringRef spec);

/// How a result of one micro-batch makes the whole batch's result: the
/// same on every micro-batch, their sum (a partial sum), their mean (a
/// mean over rows), or their concatenation along dimension 0 (rows).
enum class MicroBatchCombine { same, sum, mean, concat };

/// Rewrites `func` in place into the computation of one of `parts` equal
/// micro-batches, as -mlc-data-parallel splits a batch over ranks (the
/// same rules, the same errors), without collectives: its inputs hold
/// 1/parts of the rows and its results are the micro-batch's, combined as
/// the returned list says. Fails with an error at the op the split cannot
/// go through, or one that needs the whole batch's value.
mlir::FailureOr<llvm::SmallVector<MicroBatchCombine>>
splitIntoMicroBatches(mlir::func::FuncOp func, int64_t parts);

/// The size of `axis` in `mesh` (1 when the mesh does not have it).
inline int64_t axisSize(MeshAttr mesh, llvm::StringRef axis) {
  std::optional<unsigned> i = mesh.axisIndex(axis);
  return i ? mesh.getSizes()[*i] : 1;
}

/// What the partitioners share: the layouts given to values so far (all
/// others are the same on every rank), and the check that values are.
/// `Derived` has `error(op)`, the start of an error at an op.
template <typename Derived, typename Layout> class PartitionerBase {
public:
  Layout layoutOf(mlir::Value v) const {
    auto it = layouts_.find(v);
    return it == layouts_.end() ? Layout::replicated() : it->second;
  }
  /// Fails with an error at `op` when one of `values` is not the same on
  /// every rank.
  mlir::LogicalResult requireWhole(mlir::Operation *op, mlir::ValueRange values,
                                   llvm::StringRef what) {
    for (mlir::Value v : values)
      if (!(layoutOf(v) == Layout::replicated()))
        return static_cast<Derived *>(this)->error(op)
               << "its " << what << " is split over the ranks";
    return mlir::success();
  }

protected:
  llvm::DenseMap<mlir::Value, Layout> layouts_;
};

/// The one layout of a single-result op's result, as a rule returns them.
template <typename Layout>
mlir::FailureOr<llvm::SmallVector<Layout>>
oneLayout(mlir::FailureOr<Layout> layout) {
  if (mlir::failed(layout))
    return mlir::failure();
  return llvm::SmallVector<Layout>{*layout};
}

/// `axis` of `v` (in [-rank, rank)) made non-negative.
inline int64_t normalizedAxis(int64_t axis, mlir::Value v) {
  int64_t rank = llvm::cast<mlir::RankedTensorType>(v.getType()).getRank();
  return axis < 0 ? axis + rank : axis;
}

/// Checks `check` on each of the last `count` dimensions of `v` (those a
/// norm, mask or rotation works along), stopping at the first failure.
inline mlir::LogicalResult
checkLastDims(mlir::Value v, int64_t count,
              llvm::function_ref<mlir::LogicalResult(int64_t)> check) {
  int64_t rank = llvm::cast<mlir::RankedTensorType>(v.getType()).getRank();
  for (int64_t d = rank - count; d < rank; ++d)
    if (mlir::failed(check(d)))
      return mlir::failure();
  return mlir::success();
}

/// The rules of ops that keep the layout of their input as long as the
/// dimensions they work along (cut, join, normalize, mask, rotate) are not
/// the split one and their other operands are whole: slices, concats,
/// softmaxes, norms, causal masks, rotary positions, embeddings (the ids'
/// layout, the table whole). Nothing for another op.
///
/// `P` is a partitioner with `layoutOf(v)` (a layout comparable with ==),
/// `requireNotSplitAt(op, v, d, why)` (an error at the op when `v` is split at
/// dimension d), `requireWhole(op, values, what)` (one when a value is not
/// whole on every rank) and `error(op)`.
template <typename P,
          typename Layout = decltype(std::declval<P &>().layoutOf({}))>
std::optional<mlir::FailureOr<llvm::SmallVector<Layout>>>
keepingLayoutRule(mlir::Operation *op, P &p) {
  using Result = mlir::FailureOr<llvm::SmallVector<Layout>>;
  auto same = [&](mlir::Value v) -> Result {
    return llvm::SmallVector<Layout>{p.layoutOf(v)};
  };
  auto lastDims = [&](mlir::Value v, int64_t count, llvm::StringRef why) {
    return checkLastDims(v, count, [&](int64_t d) {
      return p.requireNotSplitAt(op, v, d, why);
    });
  };
  return llvm::TypeSwitch<mlir::Operation *, std::optional<Result>>(op)
      .Case([&](SliceOp s) -> Result {
        if (mlir::failed(p.requireNotSplitAt(
                op, s.getInput(), s.getNormalizedAxis(), "it cuts the value")))
          return mlir::failure();
        return same(s.getInput());
      })
      .Case([&](ConcatOp c) -> Result {
        Layout first = p.layoutOf(c.getInputs()[0]);
        for (mlir::Value v : c.getInputs())
          if (!(p.layoutOf(v) == first))
            return p.error(op) << "it joins values split differently";
        if (mlir::failed(p.requireNotSplitAt(op, c.getInputs()[0],
                                             c.getNormalizedAxis(),
                                             "it joins values")))
          return mlir::failure();
        return llvm::SmallVector<Layout>{first};
      })
      .template Case<SoftmaxOp, LogSoftmaxOp>([&](auto s) -> Result {
        if (mlir::failed(p.requireNotSplitAt(
                op, s.getInput(), normalizedAxis(s.getAxis(), s.getInput()),
                "it normalizes")))
          return mlir::failure();
        return same(s.getInput());
      })
      .template Case<LayerNormOp, RmsNormOp>([&](auto n) -> Result {
        if (mlir::failed(lastDims(n.getInput(), 1, "it normalizes")) ||
            mlir::failed(
                p.requireWhole(op, op->getOperands().drop_front(), "weight")))
          return mlir::failure();
        return same(n.getInput());
      })
      .Case([&](CausalMaskOp m) -> Result {
        if (mlir::failed(lastDims(m.getInput(), 2, "it masks")))
          return mlir::failure();
        return same(m.getInput());
      })
      .Case([&](RopeOp r) -> Result {
        if (mlir::failed(lastDims(r.getInput(), 2, "it rotates")) ||
            mlir::failed(p.requireWhole(op, r.getPositions(), "positions")))
          return mlir::failure();
        return same(r.getInput());
      })
      .Case([&](EmbeddingOp e) -> Result {
        if (mlir::failed(p.requireWhole(op, e.getTable(), "table")))
          return mlir::failure();
        return same(e.getIds());
      })
      .Default([](mlir::Operation *) { return std::nullopt; });
}

/// Attention runs on each rank's part when q, k and v are split alike,
/// as `split` (along the batch for dp, the heads for tp, named by `what`),
/// and the result is split so too.
template <typename P, typename Layout>
mlir::FailureOr<llvm::SmallVector<Layout>>
attentionRule(AttentionOp a, P &p, Layout split, llvm::StringRef what) {
  for (mlir::Value v : {a.getQ(), a.getK(), a.getV()})
    if (!(p.layoutOf(v) == split))
      return p.error(a) << "attention is split over " << what
                        << " of q, k and v alike, or not";
  return llvm::SmallVector<Layout>{split};
}

} // namespace mlc

#endif // MLC_PASSES_PARTITIONING_H
