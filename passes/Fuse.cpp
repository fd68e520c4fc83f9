// -mlc-fuse: groups elementwise ops into kernel regions (mlc.fusion), one
// future kernel each, so that values inside a region never reach memory.
#include "passes/Passes.h"

#include "ir/MlcOps.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace mlc {
#define GEN_PASS_DEF_FUSE
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

bool isFusedElementType(Type type) {
  Type element = cast<RankedTensorType>(type).getElementType();
  return element.isF32() || element.isInteger(1);
}

/// Ops a loop region may hold: elementwise, one result, f32 or i1 values.
bool isLoopCandidate(Operation *op) {
  if (!op->hasTrait<trait::Elementwise>() || op->getNumResults() != 1)
    return false;
  return llvm::all_of(op->getOperandTypes(), isFusedElementType) &&
         isFusedElementType(op->getResult(0).getType());
}

ArrayRef<int64_t> resultShape(Operation *op) {
  return cast<RankedTensorType>(op->getResult(0).getType()).getShape();
}

/// Groups the candidates of `block` into loop regions. Each group grows
/// from its last op (the root) up through producers of its operands with
/// the root's shape. A producer joins when each of its uses is in the
/// group or after the root: then no path leaves the group and comes back
/// (the block is in topological order), and the region can stand where
/// the root stood.
std::vector<std::vector<Operation *>> formGroups(Block &block,
                                                 unsigned minOps) {
  llvm::DenseMap<Operation *, unsigned> position;
  for (Operation &op : block)
    position[&op] = position.size();
  llvm::DenseSet<Operation *> grouped;
  std::vector<std::vector<Operation *>> groups;
  for (Operation &rootOp : llvm::reverse(block)) {
    Operation *root = &rootOp;
    if (grouped.contains(root) || !isLoopCandidate(root))
      continue;
    ArrayRef<int64_t> shape = resultShape(root);
    llvm::SetVector<Operation *> members;
    members.insert(root);
    auto joins = [&](Operation *producer) {
      if (!producer || members.contains(producer) ||
          grouped.contains(producer) || producer->getBlock() != &block ||
          !isLoopCandidate(producer) || resultShape(producer) != shape)
        return false;
      return llvm::all_of(producer->getUsers(), [&](Operation *user) {
        return members.contains(user) || position[user] > position[root];
      });
    };
    // A producer rejected because one of its users had not joined yet may
    // join once that user has: repeat until nothing changes.
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 0; i < members.size(); ++i)
        for (Value operand : members[i]->getOperands())
          if (joins(operand.getDefiningOp())) {
            members.insert(operand.getDefiningOp());
            changed = true;
          }
    }
    if (members.size() < minOps)
      continue;
    std::vector<Operation *> group(members.begin(), members.end());
    llvm::sort(group, [&](Operation *a, Operation *b) {
      return position[a] < position[b];
    });
    grouped.insert(group.begin(), group.end());
    groups.push_back(std::move(group));
  }
  return groups;
}

/// Replaces the ops of `group` (in block order, all before or at the last)
/// with one mlc.fusion "loop" region at the last op's place.
void buildRegion(ArrayRef<Operation *> group) {
  llvm::DenseSet<Operation *> members(group.begin(), group.end());
  llvm::SetVector<Value> inputs;
  SmallVector<Value> results;
  for (Operation *op : group) {
    for (Value operand : op->getOperands())
      if (!members.contains(operand.getDefiningOp()))
        inputs.insert(operand);
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return !members.contains(user);
          }))
        results.push_back(result);
  }

  Operation *root = group.back();
  OpBuilder b(root);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  auto fusion = FusionOp::create(b, root->getLoc(), resultTypes,
                                 b.getStringAttr("loop"), inputs.getArrayRef());
  Block *body = new Block();
  fusion.getBody().push_back(body);
  IRMapping mapping;
  for (Value input : inputs)
    mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
  OpBuilder inner = OpBuilder::atBlockEnd(body);
  for (Operation *op : group)
    inner.clone(*op, mapping);
  SmallVector<Value> yielded;
  for (Value v : results)
    yielded.push_back(mapping.lookup(v));
  YieldOp::create(inner, root->getLoc(), yielded);

  for (auto [old, replacement] : llvm::zip(results, fusion.getResults()))
    old.replaceUsesWithIf(replacement, [&](OpOperand &use) {
      return !members.contains(use.getOwner());
    });
  for (Operation *op : llvm::reverse(group))
    op->erase();
}

struct FusePass : mlc::impl::FuseBase<FusePass> {
  using Base::Base;

  void runOnOperation() override {
    for (Block &block : getOperation().getBody())
      for (const std::vector<Operation *> &group :
           formGroups(block, std::max(1u, unsigned(minOps))))
        buildRegion(group);
  }
};

} // namespace
