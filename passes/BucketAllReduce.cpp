// -mlc-bucket-all-reduce: merges the all-reduces (and the reduce-scatters)
// of a function into buckets of a bounded size, each issued right after its
// last value is computed, so that one call moves many gradients and starts
// while the backward pass still runs.
#include "passes/Passes.h"

#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <tuple>

namespace mlc {
#define GEN_PASS_DEF_BUCKETALLREDUCE
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// Bytes of a tensor value (i1 takes one byte per element).
uint64_t bytesOf(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return static_cast<uint64_t>(type.getNumElements()) *
         ((type.getElementTypeBitWidth() + 7) / 8);
}

/// One value of a bucket: its input, the result of the all-reduce it came
/// from, and that op.
struct Member {
  Value input, result;
  Operation *op;
};

struct Bucket {
  SmallVector<Member> members;
  uint64_t bytes = 0;
  /// Position of the op computing the last input (-1: only arguments), and
  /// of the first use of any result: the bucket goes between them.
  int64_t ready = -1, firstUse = INT64_MAX;
  Operation *lastDef = nullptr;
};

struct BucketAllReducePass
    : mlc::impl::BucketAllReduceBase<BucketAllReducePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (bucketMb < 0) {
      func.emitError() << "bucket-mb must be >= 0, found " << bucketMb;
      return signalPassFailure();
    }
    if (!func.getBody().hasOneBlock())
      return;
    Block &block = func.getBody().front();
    llvm::DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(block))
      position[&op] = static_cast<int64_t>(i);
    auto positionOf = [&](Value v) -> int64_t {
      Operation *def = v.getDefiningOp();
      return def ? position.lookup(def) : -1;
    };

    // The values to reduce, by what a bucket must share (the collective,
    // reduction, axes, element type), in the order the groups appear; each
    // group in the order its values are computed.
    using Key = std::tuple<OperationName, Reduction, Attribute, Type>;
    SmallVector<std::pair<Key, SmallVector<Member>>> groups;
    auto collect = [&](Operation *op, ValueRange inputs, Reduction reduction,
                       ArrayAttr axes) {
      for (unsigned i = 0; i < inputs.size(); ++i) {
        Key key{op->getName(), reduction, axes,
                cast<RankedTensorType>(inputs[i].getType()).getElementType()};
        auto it =
            llvm::find_if(groups, [&](auto &g) { return g.first == key; });
        if (it == groups.end())
          it = groups.insert(groups.end(), {key, {}});
        it->second.push_back({inputs[i], op->getResult(i), op});
      }
    };
    for (Operation &op : block) {
      if (auto reduce = dyn_cast<AllReduceOp>(op))
        collect(&op, reduce.getInputs(), reduce.getReduction(),
                reduce.getAxes());
      else if (auto scatter = dyn_cast<ReduceScatterOp>(op))
        collect(&op, scatter.getInputs(), scatter.getReduction(),
                scatter.getAxes());
    }

    uint64_t cap = static_cast<uint64_t>(bucketMb * 1024 * 1024);
    SmallVector<Bucket> buckets;
    for (auto &[key, members] : groups) {
      llvm::stable_sort(members, [&](const Member &a, const Member &b) {
        return positionOf(a.input) < positionOf(b.input);
      });
      Bucket current;
      for (const Member &m : members) {
        Value input = m.input;
        int64_t firstUse = INT64_MAX;
        for (Operation *user : m.result.getUsers())
          firstUse = std::min(firstUse, position.lookup(user));
        // A full bucket, or one whose results some op reads before this
        // value exists, is issued without it.
        bool fits = current.bytes + bytesOf(input) <= cap;
        bool inTime = std::min(current.firstUse, firstUse) > positionOf(input);
        if (!current.members.empty() && (!fits || !inTime)) {
          buckets.push_back(std::move(current));
          current = Bucket();
        }
        current.members.push_back(m);
        current.bytes += bytesOf(input);
        current.firstUse = std::min(current.firstUse, firstUse);
        if (positionOf(input) >= current.ready) {
          current.ready = positionOf(input);
          current.lastDef = input.getDefiningOp();
        }
      }
      if (!current.members.empty())
        buckets.push_back(std::move(current));
    }

    // One all-reduce per bucket, right after its last input.
    llvm::SmallPtrSet<Operation *, 16> replaced;
    for (Bucket &bucket : buckets) {
      OpBuilder b(func.getContext());
      if (bucket.lastDef)
        b.setInsertionPointAfter(bucket.lastDef);
      else
        b.setInsertionPointToStart(&block);
      SmallVector<Value> inputs;
      for (const Member &m : bucket.members)
        inputs.push_back(m.input);
      Operation *first = bucket.members.front().op;
      SmallVector<Value> results;
      if (auto scatter = dyn_cast<ReduceScatterOp>(first))
        results = buildReduceScatter(b, first->getLoc(), inputs,
                                     scatter.getReduction(), scatter.getAxes(),
                                     scatter.getGroupSize());
      else
        results = SmallVector<Value>(
            AllReduceOp::create(b, first->getLoc(), inputs,
                                cast<AllReduceOp>(first).getReduction(),
                                cast<AllReduceOp>(first).getAxes())
                ->getResults());
      for (auto [i, m] : llvm::enumerate(bucket.members)) {
        m.result.replaceAllUsesWith(results[i]);
        replaced.insert(m.op);
      }
    }
    for (Operation *op : replaced)
      op->erase();
  }
};

} // namespace
