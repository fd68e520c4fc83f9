// -mlc-fuse: groups ops into kernel regions (mlc.fusion), one future kernel
// each, so that values inside a region never reach memory: reductions with
// their elementwise producers and, for row reductions, consumers ("row",
// "column"), then chains of elementwise ops ("loop").
#include "passes/Passes.h"

#include "ir/Broadcast.h"
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

/// Rows whose reduced values are read back at the iteration shape are kept
/// whole in scratch by a kernel (the second pass over a norm's or a
/// softmax's row); longer rows (a whole parameter's sum of squares) only
/// end in reductions, streamed.
constexpr int64_t kMaxBroadcastRow = int64_t(1) << 16;

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

bool isFusedElementType(Type type) {
  Type element = cast<RankedTensorType>(type).getElementType();
  return element.isF32() || element.isInteger(1);
}

/// Ops a region may hold as elementwise work: the Elementwise trait, one
/// result, f32 or i1 values.
bool isElementwiseCandidate(Operation *op) {
  if (!op->hasTrait<trait::Elementwise>() || op->getNumResults() != 1)
    return false;
  return llvm::all_of(op->getOperandTypes(), isFusedElementType) &&
         isFusedElementType(op->getResult(0).getType());
}

/// An f32 reduce_sum / reduce_mean / reduce_max that a "row" or "column"
/// region can hold: its kind ("row", "column"), or "" for none. One that
/// reduces only dims of size 1 moves elements and adds nothing; it stays
/// as it is.
StringRef reductionCandidateKind(Operation *op) {
  std::optional<SmallVector<int64_t>> axes = FusionOp::reducedAxesOf(op);
  if (!axes || !cast<RankedTensorType>(op->getOperand(0).getType())
                    .getElementType()
                    .isF32())
    return "";
  ArrayRef<int64_t> shape = shapeOf(op->getOperand(0));
  if (llvm::all_of(*axes, [&](int64_t axis) { return shape[axis] == 1; }))
    return "";
  return FusionOp::reductionKind(shape, *axes);
}

/// The input shape of `reduction` with the reduced dims as 1: the shape of
/// a value per row.
SmallVector<int64_t> rowShapeOf(Operation *reduction) {
  SmallVector<int64_t> shape(shapeOf(reduction->getOperand(0)));
  SmallVector<int64_t> axes = *FusionOp::reducedAxesOf(reduction);
  for (int64_t axis : axes)
    shape[axis] = 1;
  return shape;
}

/// Whether a value of `shape` is one per row (`rowShape`): that shape, or
/// any one-element shape when there is one row.
bool isRowValueOf(ArrayRef<int64_t> rowShape, ArrayRef<int64_t> shape) {
  return shape == rowShape ||
         (numElements(rowShape) == 1 && numElements(shape) == 1);
}

/// What the groups of one kind in one block share while they form.
struct Phase {
  explicit Phase(Block &block) {
    for (Operation &op : block)
      position[&op] = position.size();
  }

  /// Each op's place in the block before any region replaced its ops.
  llvm::DenseMap<Operation *, unsigned> position;
  /// Ops in a group formed already.
  llvm::DenseSet<Operation *> grouped;
  /// Ops that a group moves to just after its root, because they read one
  /// of its members and nothing before the root reads them.
  llvm::DenseSet<Operation *> sunk;
};

/// Most ops one group moves after its root (a bound, not a tuning knob:
/// a norm's weight gradient is three).
constexpr size_t kMaxSunkOps = 64;

/// A group of ops growing into one region. The root is its last op in the
/// block; the region will stand there. An op joins only when each of its
/// users is in the group, after the root, or can move after the root
/// (it and the ops before the root that read it, transitively, contain no
/// member and have no side effects): then no path leaves the group and
/// comes back (the block is in topological order), every operand the
/// region reads is defined before the root, and every outside use of a
/// member comes after it once those ops have moved.
class Group {
public:
  enum class Kind { Loop, Row, Column };

  Group(Operation *root, Kind kind, Phase &phase)
      : root_(root), kind_(kind), phase_(phase) {
    members_.insert(root);
    if (FusionOp::reducedAxesOf(root))
      setReduction(root);
    else
      shape_.assign(shapeOf(root->getResult(0)).begin(),
                    shapeOf(root->getResult(0)).end());
  }

  /// Pulls in, until nothing changes, the producers of members that may
  /// join (a producer rejected because one of its users had not joined yet
  /// may join once that user has), and for column groups sibling
  /// reductions that read the group's values.
  void grow() {
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 0; i < members_.size(); ++i)
        for (Value operand : members_[i]->getOperands())
          changed |= tryJoin(operand.getDefiningOp());
      if (kind_ == Kind::Column)
        changed |= joinSiblings();
    }
  }

  bool hasReduction() const { return reduced_; }
  size_t size() const { return members_.size(); }

  /// The members in block order.
  std::vector<Operation *> ops() const { return inBlockOrder(members_); }
  /// The ops to move after the root, in block order.
  std::vector<Operation *> sunkOps() const { return inBlockOrder(sunk_); }

private:
  std::vector<Operation *>
  inBlockOrder(const llvm::SetVector<Operation *> &set) const {
    std::vector<Operation *> ops(set.begin(), set.end());
    llvm::sort(ops, [&](Operation *a, Operation *b) {
      return phase_.position.lookup(a) < phase_.position.lookup(b);
    });
    return ops;
  }

  bool isRowValue(ArrayRef<int64_t> shape) const {
    return isRowValueOf(rowShape_, shape);
  }

  bool isFull(Operation *op) const {
    return !FusionOp::reducedAxesOf(op) &&
           shapeOf(op->getResult(0)) == ArrayRef<int64_t>(shape_);
  }

  void setReduction(Operation *reduction) {
    reduced_ = true;
    shape_.assign(shapeOf(reduction->getOperand(0)).begin(),
                  shapeOf(reduction->getOperand(0)).end());
    axes_ = *FusionOp::reducedAxesOf(reduction);
    rowShape_ = rowShapeOf(reduction);
  }

  /// Whether a member's value reaches a member of the iteration shape,
  /// directly or through values per row.
  bool feedsFull(Operation *op) const {
    return llvm::any_of(op->getUsers(), [&](Operation *user) {
      return members_.contains(user) &&
             (isFull(user) || feedsFullSet_.contains(user));
    });
  }

  /// Whether `op` runs after the root once the groups formed so far stand
  /// as regions: it comes later in the block, a region after the root
  /// computes it, or it moves after this root or a later one.
  bool runsAfterRoot(Operation *op) const {
    return phase_.position.lookup(op) > phase_.position.lookup(root_) ||
           phase_.grouped.contains(op) || phase_.sunk.contains(op) ||
           sunk_.contains(op);
  }

  /// The ops that must move after the root for `op` to join: its users
  /// that run before the root, and theirs, transitively. Nothing when they
  /// cannot move.
  std::optional<llvm::SetVector<Operation *>> usersToSink(Operation *op) {
    llvm::SetVector<Operation *> sinks;
    SmallVector<Operation *> work;
    for (Operation *user : op->getUsers())
      if (!members_.contains(user))
        work.push_back(user);
    while (!work.empty()) {
      Operation *user = work.pop_back_val();
      if (runsAfterRoot(user) || sinks.contains(user))
        continue;
      // A member reading an op that reads `op` would close a cycle; a
      // reduction of this group's kind over its iteration shape belongs
      // with the values it shares with the group (a norm's input gradient
      // with the row statistics), not after them.
      if (members_.contains(user) || user->getBlock() != root_->getBlock() ||
          !isMemoryEffectFree(user) || sinks.size() == kMaxSunkOps ||
          reducesLikeThisGroup(user))
        return std::nullopt;
      sinks.insert(user);
      work.append(user->getUsers().begin(), user->getUsers().end());
    }
    return sinks;
  }

  bool reducesLikeThisGroup(Operation *op) const {
    StringRef kind = reductionCandidateKind(op);
    return ((kind == "row" && kind_ == Kind::Row) ||
            (kind == "column" && kind_ == Kind::Column)) &&
           shapeOf(op->getOperand(0)) == ArrayRef<int64_t>(shape_);
  }

  bool tryJoin(Operation *op) {
    if (!op || members_.contains(op) || phase_.grouped.contains(op) ||
        phase_.sunk.contains(op) || sunk_.contains(op) ||
        op->getBlock() != root_->getBlock())
      return false;
    std::optional<llvm::SetVector<Operation *>> sinks = usersToSink(op);
    if (!sinks || !accepts(op))
      return false;
    members_.insert(op);
    sunk_.insert(sinks->begin(), sinks->end());
    if (kind_ == Kind::Row && !isFull(op) && feedsFull(op))
      feedsFullSet_.insert(op);
    return true;
  }

  /// The kind's rules for an op that may join by position.
  bool accepts(Operation *op) {
    if (isElementwiseCandidate(op)) {
      ArrayRef<int64_t> shape = shapeOf(op->getResult(0));
      // A column region walks each block of columns down the rows, which
      // is slower than a loop's walk along them; it pays for values it
      // keeps out of memory, not for one that is written anyway (a GELU's
      // gradient that the GEMMs read too: summing the written value
      // afterwards costs one pass, and keeps the gradient in a loop).
      if (kind_ == Kind::Column)
        return shape == ArrayRef<int64_t>(shape_) &&
               llvm::all_of(op->getUsers(), [&](Operation *user) {
                 return members_.contains(user);
               });
      if (shape == ArrayRef<int64_t>(shape_))
        return true;
      if (kind_ != Kind::Row)
        return false;
      if (!rowShape_.empty() || hasReduction())
        return isRowValue(shape);
      // Before any reduction has joined, a value of the iteration shape
      // with dims of size 1 stands for values per row of one that will
      // (a norm's 1/std, read by the root, computed from the row's sum):
      // its shape fixes the reduced shape a reduction must have to join.
      if (shape.size() != shape_.size() || !isBroadcastableTo(shape, shape_))
        return false;
      rowShape_.assign(shape.begin(), shape.end());
      return true;
    }
    StringRef kind = reductionCandidateKind(op);
    if (kind_ == Kind::Row && kind == "row")
      return acceptsRowReduction(op);
    // A column's sum is complete only after the last row: nothing in the
    // group may read it, so it joins as a sibling only.
    if (kind_ == Kind::Column && kind == "column")
      return shapeOf(op->getOperand(0)) == ArrayRef<int64_t>(shape_) &&
             *FusionOp::reducedAxesOf(op) == axes_ &&
             llvm::none_of(op->getUsers(), [&](Operation *user) {
               return members_.contains(user);
             });
    return false;
  }

  bool acceptsRowReduction(Operation *op) {
    ArrayRef<int64_t> input = shapeOf(op->getOperand(0));
    ArrayRef<int64_t> result = shapeOf(op->getResult(0));
    SmallVector<int64_t> rowShape = rowShapeOf(op);
    if (hasReduction() &&
        (input != ArrayRef<int64_t>(shape_) || rowShape != rowShape_ ||
         *FusionOp::reducedAxesOf(op) != axes_))
      return false;
    if (!rowShape_.empty() && rowShape != rowShape_)
      return false;
    if (!hasReduction() && input != ArrayRef<int64_t>(shape_)) {
      // The members so far (the root among them) would be values per row
      // of this reduction: the iteration shape becomes its input's.
      if (result != ArrayRef<int64_t>(shape_) ||
          !isRowValueOf(rowShape, result))
        return false;
      setReduction(op);
      return true;
    }
    bool readInside = llvm::any_of(op->getUsers(), [&](Operation *user) {
      return members_.contains(user);
    });
    if (readInside && !isRowValueOf(rowShape, result))
      return false;
    int64_t rowLength = numElements(input) / numElements(rowShape);
    if (readInside && rowLength > kMaxBroadcastRow && feedsFull(op))
      return false;
    setReduction(op);
    return true;
  }

  /// Column reductions over the same shape and axes that read a value the
  /// group reads or computes, directly or through one elementwise op: one
  /// pass over the shared input computes them all.
  bool joinSiblings() {
    llvm::SetVector<Value> values;
    for (Operation *member : members_) {
      values.insert(member->getOperands().begin(), member->getOperands().end());
      values.insert(member->getResults().begin(), member->getResults().end());
    }
    bool changed = false;
    for (Value v : values)
      for (Operation *user : v.getUsers()) {
        Operation *reduction = user;
        if (isElementwiseCandidate(user) && user->hasOneUse())
          reduction = *user->getUsers().begin();
        if (reductionCandidateKind(reduction) == "column")
          changed |= tryJoin(reduction);
      }
    return changed;
  }

  Operation *root_;
  Kind kind_;
  Phase &phase_;
  llvm::SetVector<Operation *> members_;
  /// Ops this group moves to just after its root.
  llvm::SetVector<Operation *> sunk_;
  /// Row groups: members of the reduced shape whose value reaches one of
  /// the iteration shape.
  llvm::DenseSet<Operation *> feedsFullSet_;
  /// The iteration shape; once a reduction joined, its axes and the
  /// shape of a value per row (that shape may come first, from a member
  /// of it; empty until then).
  SmallVector<int64_t> shape_, axes_, rowShape_;
  bool reduced_ = false;
};

/// Replaces the ops of `group` (in block order, all before or at the last)
/// with one mlc.fusion region of `kind` at the last op's place.
FusionOp buildRegion(ArrayRef<Operation *> group, StringRef kind) {
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
                                 b.getStringAttr(kind), inputs.getArrayRef());
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
  return fusion;
}

/// Forms the regions of one kind in `block`: from the last op backwards,
/// each op that may root such a group and is not grouped yet starts one;
/// groups of at least `minOps` ops (with a reduction, for row and column
/// groups) become regions, and the ops they sink move after them.
void formRegions(Block &block, Group::Kind kind, unsigned minOps) {
  auto mayRoot = [&](Operation *op) {
    switch (kind) {
    case Group::Kind::Loop:
      return isElementwiseCandidate(op);
    case Group::Kind::Row:
      return isElementwiseCandidate(op) || reductionCandidateKind(op) == "row";
    case Group::Kind::Column:
      return reductionCandidateKind(op) == "column";
    }
    return false;
  };
  Phase phase(block);
  std::vector<std::pair<std::vector<Operation *>, std::vector<Operation *>>>
      groups;
  for (Operation &root : llvm::reverse(block)) {
    if (phase.grouped.contains(&root) || phase.sunk.contains(&root) ||
        !mayRoot(&root))
      continue;
    Group group(&root, kind, phase);
    group.grow();
    if (group.size() < minOps ||
        (kind != Group::Kind::Loop && !group.hasReduction()))
      continue;
    groups.emplace_back(group.ops(), group.sunkOps());
    phase.grouped.insert(groups.back().first.begin(),
                         groups.back().first.end());
    phase.sunk.insert(groups.back().second.begin(), groups.back().second.end());
  }
  StringRef name = kind == Group::Kind::Loop  ? "loop"
                   : kind == Group::Kind::Row ? "row"
                                              : "column";
  for (auto &[ops, sunk] : groups) {
    Operation *after = buildRegion(ops, name);
    for (Operation *op : sunk) {
      op->moveAfter(after);
      after = op;
    }
  }
}

struct FusePass : mlc::impl::FuseBase<FusePass> {
  using Base::Base;

  void runOnOperation() override {
    unsigned least = std::max(1u, unsigned(minOps));
    for (Block &block : getOperation().getBody()) {
      // Reductions first, so that their producers and consumers join them
      // rather than loops; rows before columns, so that a norm's backward
      // pass is one row region and a bias gradient reads its result.
      if (reductions) {
        formRegions(block, Group::Kind::Row, least);
        formRegions(block, Group::Kind::Column, least);
      }
      formRegions(block, Group::Kind::Loop, least);
    }
  }
};

} // namespace
