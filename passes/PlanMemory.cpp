// -mlc-plan-memory: gives every value of the entry points a slice of an
// arena, reusing workspace memory by liveness, computes parameter and state
// updates in place where that is safe, and records each arena's peak.
#include "passes/Passes.h"

#include "ir/Aliasing.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <array>

namespace mlc {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

constexpr size_t kNumArenaKinds = static_cast<size_t>(ArenaKind::workspace) + 1;

uint64_t alignUp(uint64_t bytes) {
  return (bytes + kSliceAlignment - 1) / kSliceAlignment * kSliceAlignment;
}

/// Bytes a value of `type` takes (i1 takes one byte per element); an error
/// at `loc` for a type the executable cannot hold.
FailureOr<uint64_t> valueBytes(Type type, Location loc) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() ||
      !tensor.getElementType().isIntOrFloat())
    return emitError(loc) << "cannot plan memory for a value of type " << type
                          << ": the plan needs tensors of static shape with "
                             "integer or float elements";
  uint64_t element = (tensor.getElementType().getIntOrFloatBitWidth() + 7) / 8;
  return element * static_cast<uint64_t>(tensor.getNumElements());
}

/// The arena an argument of this kind lives in.
ArenaKind arenaOf(const ModelArg &arg) {
  switch (arg.kind) {
  case ModelArg::Kind::Param:
    return ArenaKind::parameter;
  case ModelArg::Kind::State:
    return arg.counter       ? ArenaKind::step_counter
           : arg.accumulator ? ArenaKind::grad_accumulator
                             : ArenaKind::optimizer_state;
  case ModelArg::Kind::Cache:
    return ArenaKind::kv_cache;
  case ModelArg::Kind::Input:
    return ArenaKind::io;
  }
  return ArenaKind::io;
}

/// The arenas whose slices are never reused (all but the workspace): each
/// value gets the next aligned offset, so a kind's buffers are contiguous
/// in the order they first appear.
class Layout {
public:
  explicit Layout(MLIRContext *context) : context_(context) {}

  FailureOr<SliceAttr> append(ArenaKind arena, uint64_t size, Location loc) {
    uint64_t &end = ends_[static_cast<size_t>(arena)];
    if (size > kMaxArenaBytes - end)
      return emitError(loc)
             << "the " << stringifyArenaKind(arena)
             << " arena would grow past 2^44 bytes, the largest arena";
    SliceAttr slice = SliceAttr::get(context_, arena, end, size);
    end = slice.getAlignedEnd();
    return slice;
  }

  /// Makes the workspace at least `peak` bytes (the largest entry point's).
  void reserveWorkspace(uint64_t peak) {
    uint64_t &end = ends_[static_cast<size_t>(ArenaKind::workspace)];
    end = std::max(end, peak);
  }

  /// {kind = bytes} of every arena that holds something.
  DictionaryAttr sizes() const {
    Builder b(context_);
    SmallVector<NamedAttribute> entries;
    for (size_t k = 0; k < kNumArenaKinds; ++k)
      if (ends_[k] != 0)
        entries.push_back(b.getNamedAttr(
            stringifyArenaKind(static_cast<ArenaKind>(k)),
            b.getI64IntegerAttr(static_cast<int64_t>(ends_[k]))));
    return b.getDictionaryAttr(entries);
  }

private:
  MLIRContext *context_;
  std::array<uint64_t, kNumArenaKinds> ends_ = {};
};

/// The slice of an argument's buffer, and the type the first function
/// gave it.
struct ArgumentBuffer {
  SliceAttr slice;
  Type type;
};

/// A workspace value: its bytes and the ops (by position in the block)
/// from its definition to its last use, both included.
struct Lifetime {
  Value value;
  uint64_t size;
  unsigned first, last;
};

/// Offsets for values in one workspace, greedy by size as TFLite's arena
/// planner does: the largest value first, each into the smallest gap that
/// fits between the values already placed whose lifetimes meet its own,
/// else above them. Returns the peak (the arena bytes needed).
uint64_t packWorkspace(const std::vector<Lifetime> &values,
                       std::vector<uint64_t> &offsets) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return values[a].size > values[b].size;
  });
  struct Placed {
    uint64_t offset, end;
    size_t index;
  };
  std::vector<Placed> placed; // by offset
  offsets.assign(values.size(), 0);
  uint64_t peak = 0;
  for (size_t i : order) {
    const Lifetime &v = values[i];
    uint64_t size = alignUp(v.size);
    uint64_t best = UINT64_MAX, bestGap = UINT64_MAX, below = 0;
    for (const Placed &p : placed) {
      const Lifetime &other = values[p.index];
      if (other.last < v.first || v.last < other.first)
        continue;
      if (p.offset >= below && p.offset - below >= size &&
          p.offset - below < bestGap) {
        best = below;
        bestGap = p.offset - below;
      }
      below = std::max(below, p.end);
    }
    uint64_t offset = best == UINT64_MAX ? below : best;
    offsets[i] = offset;
    Placed mine{offset, offset + size, i};
    auto at = std::upper_bound(
        placed.begin(), placed.end(), mine,
        [](const Placed &a, const Placed &b) { return a.offset < b.offset; });
    placed.insert(at, mine);
    peak = std::max(peak, mine.end);
  }
  return peak;
}

struct PlanMemoryPass : mlc::impl::PlanMemoryBase<PlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Layout layout(&getContext());
    ArgumentBuffers names;
    llvm::StringMap<ArgumentBuffer> buffers;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (failed(planFunction(func, layout, names, buffers)))
        return signalPassFailure();
    }
    module->setAttr(attr::kArenas, layout.sizes());
  }

  LogicalResult planFunction(func::FuncOp func, Layout &layout,
                             ArgumentBuffers &names,
                             llvm::StringMap<ArgumentBuffer> &buffers);
  /// Slices of the arguments: one per buffer, shared by the functions that
  /// name it.
  LogicalResult planArguments(func::FuncOp func, const ModelSignature &sig,
                              Layout &layout, ArgumentBuffers &names,
                              llvm::StringMap<ArgumentBuffer> &buffers);
  /// Slices of the reported values: outputs live in the io arena, where
  /// nothing else is placed, so the caller may read them after the call.
  LogicalResult planOutputs(func::FuncOp func, const ModelSignature &sig,
                            Layout &layout,
                            llvm::DenseMap<Value, SliceAttr> &planned);
  /// Slices of everything else, in the workspace; returns its peak.
  FailureOr<uint64_t> planWorkspace(func::FuncOp func,
                                    llvm::DenseMap<Value, SliceAttr> &planned);
};

LogicalResult
PlanMemoryPass::planArguments(func::FuncOp func, const ModelSignature &sig,
                              Layout &layout, ArgumentBuffers &names,
                              llvm::StringMap<ArgumentBuffer> &buffers) {
  for (const ModelArg &arg : sig.args) {
    Location loc = func.getArgument(arg.index).getLoc();
    FailureOr<uint64_t> size = valueBytes(arg.type, loc);
    if (failed(size))
      return failure();
    std::string name = names.name(func, arg);
    auto it = buffers.find(name);
    SliceAttr slice;
    if (it != buffers.end()) {
      slice = it->second.slice;
      if (it->second.type != arg.type)
        return func.emitError()
               << "argument '" << arg.name << "' of @" << func.getSymName()
               << " is " << arg.type << " but another entry point uses '"
               << arg.name << "' as " << it->second.type;
      if (slice.getArena() != arenaOf(arg))
        return func.emitError()
               << "argument '" << arg.name << "' of @" << func.getSymName()
               << " belongs in the " << stringifyArenaKind(arenaOf(arg))
               << " arena but another entry point puts '" << arg.name
               << "' in the " << stringifyArenaKind(slice.getArena())
               << " arena";
    } else {
      FailureOr<SliceAttr> fresh = layout.append(arenaOf(arg), *size, loc);
      if (failed(fresh))
        return failure();
      slice = *fresh;
      buffers[name] = {slice, arg.type};
    }
    func.setArgAttr(arg.index, attr::kSlice, slice);
  }
  return success();
}

LogicalResult
PlanMemoryPass::planOutputs(func::FuncOp func, const ModelSignature &sig,
                            Layout &layout,
                            llvm::DenseMap<Value, SliceAttr> &planned) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  llvm::StringSet<> updated;
  for (const ModelResult &r : sig.results)
    if (r.kind == ModelResult::Kind::Update)
      updated.insert(r.name);
  // An output that is state this call updates is a copy taken before the
  // update (one per state, however often it is reported).
  llvm::DenseMap<unsigned, SliceAttr> snapshots;
  for (const ModelResult &r : sig.results) {
    if (r.kind == ModelResult::Kind::Update) {
      func.removeResultAttr(r.index,
                            StringAttr::get(&getContext(), attr::kSlice));
      continue;
    }
    Value value = ret.getOperand(r.index);
    FailureOr<uint64_t> size = valueBytes(value.getType(), value.getLoc());
    if (failed(size))
      return failure();
    SliceAttr slice;
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      unsigned index = arg.getArgNumber();
      const ModelArg *modelArg = nullptr;
      for (const ModelArg &a : sig.args)
        if (a.index == index)
          modelArg = &a;
      slice = func.getArgAttrOfType<SliceAttr>(index, attr::kSlice);
      if (modelArg && modelArg->kind != ModelArg::Kind::Input &&
          updated.contains(modelArg->name)) {
        SliceAttr &snapshot = snapshots[index];
        if (!snapshot) {
          FailureOr<SliceAttr> fresh =
              layout.append(ArenaKind::io, *size, value.getLoc());
          if (failed(fresh))
            return failure();
          snapshot = *fresh;
        }
        slice = snapshot;
      }
    } else if (SliceAttr known = planned.lookup(value)) {
      slice = known; // a constant, reported as it is
    } else {
      FailureOr<SliceAttr> fresh =
          layout.append(ArenaKind::io, *size, value.getLoc());
      if (failed(fresh))
        return failure();
      slice = planned[value] = *fresh;
    }
    func.setResultAttr(r.index, attr::kSlice, slice);
  }
  return success();
}

FailureOr<uint64_t>
PlanMemoryPass::planWorkspace(func::FuncOp func,
                              llvm::DenseMap<Value, SliceAttr> &planned) {
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, unsigned> position;
  unsigned next = 0;
  for (Operation &op : body)
    position[&op] = next++;
  // A value is live from its op to its last reader, a reader inside a
  // region counting as the top-level op holding it. Values the function
  // returns stay live to the end: updates that are not computed in place
  // are copied into their state after the last op.
  //
  // A reshape of a workspace value is a view of it: the result takes the
  // operand's bytes, which stay live until the last reader of either (the
  // exporter then writes a view buffer and no command). A reshape of an
  // argument, a constant or an output is a copy: those bytes are not the
  // workspace's, and a parameter may be updated in place while a view of
  // it would still be read.
  std::vector<Lifetime> values;
  llvm::DenseMap<Value, size_t> lifetimeOf;
  llvm::DenseMap<Value, Value> viewOf;
  for (Operation &op : body.without_terminator())
    for (Value result : op.getResults()) {
      if (planned.count(result))
        continue;
      unsigned first = position[&op], last = first;
      for (Operation *user : result.getUsers())
        last = std::max(last, position[body.findAncestorOpInBlock(*user)]);
      if (auto reshape = dyn_cast<ReshapeOp>(op)) {
        Value root = viewOf.lookup(reshape.getInput());
        if (!root)
          root = reshape.getInput();
        auto it = lifetimeOf.find(root);
        if (it != lifetimeOf.end()) {
          viewOf[result] = root;
          values[it->second].last = std::max(values[it->second].last, last);
          continue;
        }
      }
      FailureOr<uint64_t> size = valueBytes(result.getType(), op.getLoc());
      if (failed(size))
        return failure();
      lifetimeOf[result] = values.size();
      values.push_back({result, *size, first, last});
    }
  std::vector<uint64_t> offsets;
  uint64_t peak = packWorkspace(values, offsets);
  if (peak > kMaxArenaBytes)
    return func.emitError()
           << "the workspace of @" << func.getSymName() << " needs " << peak
           << " bytes, more than 2^44, the largest arena";
  for (size_t i = 0; i < values.size(); ++i)
    planned[values[i].value] = SliceAttr::get(
        &getContext(), ArenaKind::workspace, offsets[i], values[i].size);
  for (auto [view, root] : viewOf)
    planned[view] = planned.lookup(root);
  return peak;
}

LogicalResult
PlanMemoryPass::planFunction(func::FuncOp func, Layout &layout,
                             ArgumentBuffers &names,
                             llvm::StringMap<ArgumentBuffer> &buffers) {
  FailureOr<ModelSignature> sig = getModelSignature(func);
  if (failed(sig))
    return failure();
  if (!func.getBody().hasOneBlock())
    return func.emitError()
           << "-mlc-plan-memory plans functions of a single "
              "block; @"
           << func.getSymName() << " has " << func.getBody().getBlocks().size();
  if (failed(planArguments(func, *sig, layout, names, buffers)))
    return failure();

  llvm::DenseMap<Value, SliceAttr> planned;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (const ModelResult &r : sig->results) {
    if (r.kind != ModelResult::Kind::Update || !canUpdateInPlace(func, *sig, r))
      continue;
    for (const ModelArg &arg : sig->args)
      if (arg.name == r.name && arg.kind != ModelArg::Kind::Input)
        planned[ret.getOperand(r.index)] =
            func.getArgAttrOfType<SliceAttr>(arg.index, attr::kSlice);
  }
  // Constants are written once, when a session starts, and read by every
  // call: they cannot share the workspace.
  for (auto constant : func.getBody().front().getOps<ConstantOp>()) {
    FailureOr<uint64_t> size =
        valueBytes(constant.getType(), constant.getLoc());
    if (failed(size))
      return failure();
    FailureOr<SliceAttr> slice =
        layout.append(ArenaKind::constant, *size, constant.getLoc());
    if (failed(slice))
      return failure();
    planned[constant.getResult()] = *slice;
  }
  if (failed(planOutputs(func, *sig, layout, planned)))
    return failure();
  FailureOr<uint64_t> peak = planWorkspace(func, planned);
  if (failed(peak))
    return failure();
  layout.reserveWorkspace(*peak);

  Builder b(&getContext());
  func->setAttr(attr::kWorkspace,
                b.getI64IntegerAttr(static_cast<int64_t>(*peak)));
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (op.getNumResults() == 0)
      continue;
    SmallVector<Attribute> slices;
    for (Value result : op.getResults())
      slices.push_back(planned.lookup(result));
    op.setAttr(attr::kSlices, b.getArrayAttr(slices));
  }
  return success();
}

} // namespace
