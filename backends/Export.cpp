// Exporting a module of model functions to the .mlcx executable format:
// buffers and their slices (the memory plan's, or one each without it),
// command lists, metadata.
#include "backends/Export.h"

#include "ir/Aliasing.h"
#include "ir/Broadcast.h"
#include "ir/Cost.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <optional>

using namespace mlir;

namespace mlc {

namespace {

FailureOr<fb::DType> toDType(Type element, Location loc) {
  if (element.isF32())
    return fb::DType::f32;
  if (element.isF64())
    return fb::DType::f64;
  if (element.isBF16())
    return fb::DType::bf16;
  if (element.isF16())
    return fb::DType::f16;
  if (element.isInteger(1))
    return fb::DType::i1;
  if (element.isInteger(32))
    return fb::DType::i32;
  if (element.isInteger(64))
    return fb::DType::i64;
  return emitError(loc) << "element type " << element
                        << " has no executable dtype";
}

fb::InitKind toInitKind(InitKind kind) {
  switch (kind) {
  case InitKind::zeros:
    return fb::InitKind::zeros;
  case InitKind::ones:
    return fb::InitKind::ones;
  case InitKind::constant:
    return fb::InitKind::constant;
  case InitKind::normal:
    return fb::InitKind::normal;
  case InitKind::uniform:
    return fb::InitKind::uniform;
  case InitKind::xavier_uniform:
    return fb::InitKind::xavier_uniform;
  case InitKind::kaiming_uniform:
    return fb::InitKind::kaiming_uniform;
  }
  return fb::InitKind::none;
}

std::string describeLoc(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
  else
    loc.print(os);
  return s;
}

/// Most constant data an executable holds: FlatBuffers files cannot exceed
/// 2 GiB, and the rest of the file needs room too.
constexpr uint64_t kMaxConstantBytes = uint64_t(3) << 29; // 1.5 GiB

/// Bytes of one element of `type` in the executable (i1 takes one byte).
uint64_t elementBytes(Type element) {
  return (element.getIntOrFloatBitWidth() + 7) / 8;
}

/// Row-major bytes of a constant; a splat gives one element's bytes.
std::vector<uint8_t> constantBytes(DenseElementsAttr attr) {
  if (attr.isSplat())
    attr = attr.resizeSplat(RankedTensorType::get(
        {}, cast<RankedTensorType>(attr.getType()).getElementType()));
  auto type = cast<RankedTensorType>(attr.getType());
  Type element = type.getElementType();
  std::vector<uint8_t> bytes;
  auto append = [&](const void *p, size_t size) {
    const uint8_t *b = static_cast<const uint8_t *>(p);
    bytes.insert(bytes.end(), b, b + size);
  };
  if (element.isInteger(1)) {
    for (bool v : attr.getValues<bool>())
      bytes.push_back(v ? 1 : 0);
  } else if (element.isF32()) {
    for (float v : attr.getValues<float>())
      append(&v, sizeof v);
  } else if (element.isF64()) {
    for (double v : attr.getValues<double>())
      append(&v, sizeof v);
  } else if (element.isInteger(32)) {
    for (int32_t v : attr.getValues<int32_t>())
      append(&v, sizeof v);
  } else if (element.isInteger(64)) {
    for (int64_t v : attr.getValues<int64_t>())
      append(&v, sizeof v);
  } else { // bf16 / f16: 16-bit patterns
    for (APFloat v : attr.getValues<APFloat>()) {
      uint16_t bits = static_cast<uint16_t>(v.bitcastToAPInt().getZExtValue());
      append(&bits, sizeof bits);
    }
  }
  return bytes;
}

/// "mlc.add @ model.mlir:3:9" for each op a kernel computes.
std::vector<std::string> sourceOps(Operation *op) {
  std::vector<std::string> ops;
  auto describe = [](Operation *o) {
    return o->getName().getStringRef().str() + " @ " + describeLoc(o->getLoc());
  };
  if (auto fusion = dyn_cast<FusionOp>(op)) {
    for (Operation &inner : fusion.getBodyOps())
      ops.push_back(describe(&inner));
    return ops;
  }
  return {describe(op)};
}

/// The part of a kernel's name after "k<index>_": the op ("matmul"), or
/// "fused_" and the first ops of a region ("fused_mul_add_sqrt_etc").
std::string kernelLabel(Operation *op) {
  auto fusion = dyn_cast<FusionOp>(op);
  if (!fusion)
    return op->getName().stripDialect().str();
  std::string label = "fused";
  unsigned named = 0, total = 0;
  for (Operation &inner : fusion.getBodyOps()) {
    ++total;
    if (named < 3) {
      label += "_" + inner.getName().stripDialect().str();
      ++named;
    }
  }
  return total > named ? label + "_etc" : label;
}

/// Text that two ops share exactly when they make the same kernel: names,
/// attributes (but not the memory plan's) and types of the op and of the
/// ops in its region, with the values inside the region numbered locally
/// (not the operands' names or any location).
std::string kernelKey(Operation *op) {
  std::string key;
  llvm::raw_string_ostream os(key);
  llvm::DenseMap<Value, unsigned> local;
  auto describe = [&](Operation *o) {
    // The memory plan's slices say where values live, not what the
    // kernel computes.
    os << o->getName() << "{";
    for (NamedAttribute a : o->getAttrs())
      if (a.getName() != attr::kSlices && a.getName() != attr::kSlice)
        os << a.getName() << "=" << a.getValue() << ",";
    os << "}(";
    for (Value v : o->getOperands()) {
      auto it = local.find(v);
      if (it != local.end())
        os << "%" << it->second;
      os << ":" << v.getType() << ",";
    }
    os << ")->(";
    for (Value r : o->getResults()) {
      os << r.getType() << ",";
      local.try_emplace(r, local.size());
    }
    os << ")";
  };
  describe(op);
  for (Region &region : op->getRegions())
    for (Block &block : region) {
      os << "{";
      for (BlockArgument arg : block.getArguments()) {
        os << "^" << arg.getType();
        local.try_emplace(arg, local.size());
      }
      for (Operation &inner : block) {
        os << ";";
        describe(&inner);
      }
      os << "}";
    }
  return key;
}

static_assert(kSliceAlignment == fb::kSliceAlignment,
              "the plan and the executable align slices alike");

fb::ArenaKind toArenaKind(ArenaKind kind) {
  switch (kind) {
  case ArenaKind::parameter:
    return fb::ArenaKind::parameter;
  case ArenaKind::optimizer_state:
    return fb::ArenaKind::optimizer_state;
  case ArenaKind::step_counter:
    return fb::ArenaKind::step_counter;
  case ArenaKind::grad_accumulator:
    return fb::ArenaKind::grad_accumulator;
  case ArenaKind::kv_cache:
    return fb::ArenaKind::kv_cache;
  case ArenaKind::constant:
    return fb::ArenaKind::constant;
  case ArenaKind::io:
    return fb::ArenaKind::io;
  case ArenaKind::workspace:
    return fb::ArenaKind::workspace;
  }
  return fb::ArenaKind::workspace;
}

/// Whether values in arenas of `kind` keep their value across calls, so
/// that an op result planned there is an update computed in place.
bool holdsState(ArenaKind kind) {
  return kind == ArenaKind::parameter || kind == ArenaKind::optimizer_state ||
         kind == ArenaKind::step_counter ||
         kind == ArenaKind::grad_accumulator || kind == ArenaKind::kv_cache;
}

constexpr size_t kNumArenaKinds = static_cast<size_t>(fb::ArenaKind::MAX) + 1;

/// A buffer being added to the program.
struct BufferInfo {
  BufferInfo(std::string name, fb::DType dtype, RankedTensorType type,
             fb::BufferRole role, Location loc)
      : name(std::move(name)), dtype(dtype),
        shape(type.getShape().begin(), type.getShape().end()), role(role),
        type(type), loc(loc) {}

  std::string name;
  fb::DType dtype;
  std::vector<int64_t> shape;
  fb::BufferRole role;
  InitAttr init;
  bool trainable = true;
  std::vector<uint8_t> data;
  bool splat = false;
  RankedTensorType type;
  Location loc;
  /// Where the memory plan puts the buffer; null without a plan (the
  /// exporter then gives each buffer a slice of its own).
  SliceAttr slice;
  /// The piece of a whole tensor a sharded parameter or state holds.
  ShardAttr shard;
  /// A view of this buffer (the result of a reshape the plan aliases).
  std::optional<uint32_t> viewOf;
};

class Exporter {
public:
  Exporter(ModuleOp module, const Target &target, const ExportOptions &options,
           flatbuffers::FlatBufferBuilder &fbb)
      : module_(module), target_(target), options_(options),
        plan_(module->getAttrOfType<DictionaryAttr>(attr::kArenas)), fbb_(fbb) {
  }

  /// Serializes the functions of the module as one program, run first by
  /// rank `firstRank`.
  FailureOr<flatbuffers::Offset<fb::Program>> buildProgram(uint32_t firstRank);
  /// FLOPs of one optimizer step (or of eval without training).
  uint64_t stepFlops() const {
    if (microBatches_)
      return microBatches_ * accumulateFlops_ + applyFlops_;
    return trainFlops_ ? trainFlops_ : evalFlops_;
  }
  const std::vector<std::string> &paramNames() const { return paramNames_; }
  const std::string &optimizer() const { return optimizer_; }

private:
  FailureOr<uint32_t> addBuffer(BufferInfo info, Location loc);
  /// A buffer for a value of `type` (an activation or a constant).
  FailureOr<uint32_t> addTensorBuffer(std::string name, RankedTensorType type,
                                      fb::BufferRole role, Location loc);
  FailureOr<uint32_t> addConstant(std::string name, DenseElementsAttr value,
                                  Location loc);
  FailureOr<uint32_t> persistentBuffer(const ModelArg &arg, func::FuncOp func);
  LogicalResult exportFunction(func::FuncOp func);
  /// The slices the plan gives the results of `op` (null entries without
  /// a plan); an error on `op` if the plan has none.
  FailureOr<SmallVector<SliceAttr>> resultSlices(Operation &op);
  /// The state buffer `result` is computed into when the plan puts it in
  /// a state arena: the plan must give it the slice of the state it
  /// updates, and the update must be safe in place.
  FailureOr<uint32_t>
  inPlaceTarget(func::FuncOp func, const ModelSignature &sig,
                const llvm::DenseMap<Value, uint32_t> &bufferOf,
                OpResult result, SliceAttr slice);
  /// Without a plan: a slice of its own for every buffer, one after
  /// another in its role's arena. With one: checks the plan's slices
  /// against the buffers and the arena sizes. Returns the arena sizes.
  FailureOr<std::array<uint64_t, kNumArenaKinds>>
  layOutBuffers(std::vector<uint64_t> &offsets);
  /// The kernel computing `op`, built by the target the first time an op
  /// of its kind, attributes and types (and region) appears.
  FailureOr<uint32_t> kernelFor(Operation *op);
  /// Commands of the two kinds the exporter writes.
  flatbuffers::Offset<fb::Command>
  dispatchCommand(uint32_t kernel, const std::vector<uint32_t> &operands,
                  const std::vector<uint32_t> &results);
  flatbuffers::Offset<fb::Command> copyCommand(uint32_t from, uint32_t to);
  /// A collective op (an all-reduce, a reduce-scatter, an all-gather) as a
  /// command over the mesh axes it names.
  FailureOr<flatbuffers::Offset<fb::Command>>
  collectiveCommand(Operation *op, const std::vector<uint32_t> &operands,
                    const std::vector<uint32_t> &results);
  /// Indices into the module's mesh of the axes `names` names.
  FailureOr<std::vector<uint32_t>> meshAxes(ArrayAttr names, Location loc);
  /// The fb::Shard of a sharded buffer (null for one that is not).
  FailureOr<flatbuffers::Offset<fb::Shard>> buildShard(const BufferInfo &b);

  ModuleOp module_;
  const Target &target_;
  const ExportOptions &options_;
  /// The module's memory plan (-mlc-plan-memory): arena sizes by kind, or
  /// null when the module has none.
  DictionaryAttr plan_;
  ArgumentBuffers argumentNames_;
  flatbuffers::FlatBufferBuilder &fbb_;
  std::vector<std::string> paramNames_;
  std::vector<BufferInfo> buffers_;
  llvm::StringMap<uint32_t> bufferByName_;
  std::vector<flatbuffers::Offset<fb::Kernel>> kernels_;
  llvm::StringMap<uint32_t> kernelByKey_;
  std::vector<flatbuffers::Offset<fb::EntryPoint>> entries_;
  uint64_t trainFlops_ = 0, evalFlops_ = 0, constantBytes_ = 0;
  /// Gradient accumulation: one optimizer step is microBatches_ accumulate
  /// calls and one apply call.
  uint64_t accumulateFlops_ = 0, applyFlops_ = 0, microBatches_ = 0;
  std::string optimizer_;
};

FailureOr<uint32_t> Exporter::addBuffer(BufferInfo info, Location loc) {
  if (bufferByName_.count(info.name))
    return emitError(loc) << "two buffers are named '" << info.name << "'";
  uint32_t index = static_cast<uint32_t>(buffers_.size());
  bufferByName_[info.name] = index;
  buffers_.push_back(std::move(info));
  return index;
}

FailureOr<uint32_t> Exporter::addTensorBuffer(std::string name,
                                              RankedTensorType type,
                                              fb::BufferRole role,
                                              Location loc) {
  FailureOr<fb::DType> dtype = toDType(type.getElementType(), loc);
  if (failed(dtype))
    return failure();
  return addBuffer(BufferInfo(std::move(name), *dtype, type, role, loc), loc);
}

FailureOr<uint32_t>
Exporter::addConstant(std::string name, DenseElementsAttr value, Location loc) {
  auto type = cast<RankedTensorType>(value.getType());
  uint64_t bytes = value.isSplat()
                       ? elementBytes(type.getElementType())
                       : static_cast<uint64_t>(type.getNumElements()) *
                             elementBytes(type.getElementType());
  constantBytes_ += bytes;
  if (constantBytes_ > kMaxConstantBytes)
    return emitError(loc) << "the constants of the model need more than "
                          << kMaxConstantBytes
                          << " bytes, the most an executable holds "
                             "(FlatBuffers files are limited to 2 GiB); this "
                             "one ("
                          << type << ") brings them to " << constantBytes_;
  FailureOr<uint32_t> index =
      addTensorBuffer(std::move(name), type, fb::BufferRole::constant, loc);
  if (failed(index))
    return failure();
  buffers_[*index].data = constantBytes(value);
  buffers_[*index].splat = value.isSplat();
  return index;
}

FailureOr<uint32_t> Exporter::persistentBuffer(const ModelArg &arg,
                                               func::FuncOp func) {
  // Prefill and decode take tokens of their own T, an eval function of
  // another batch size inputs of its own: those are buffers of their own
  // ("decode.tokens", "eval.in.x"), bound under the argument's name.
  std::string name = argumentNames_.name(func, arg);
  auto it = bufferByName_.find(name);
  fb::BufferRole role = fb::BufferRole::input;
  if (arg.kind == ModelArg::Kind::Param)
    role = fb::BufferRole::parameter;
  else if (arg.kind == ModelArg::Kind::State)
    role = arg.counter       ? fb::BufferRole::step_counter
           : arg.accumulator ? fb::BufferRole::grad_accumulator
                             : fb::BufferRole::optimizer_state;
  else if (arg.kind == ModelArg::Kind::Cache)
    role = fb::BufferRole::kv_cache; // zero at load: no initializer
  Location argLoc = func.getArgument(arg.index).getLoc();
  if ((arg.kind == ModelArg::Kind::Param ||
       arg.kind == ModelArg::Kind::State) &&
      !arg.init)
    return emitError(argLoc)
           << (arg.kind == ModelArg::Kind::Param ? "parameter '" : "state '")
           << arg.name
           << "' has no initializer; give it one, e.g. mlc.init = "
              "#mlc.init<zeros> (a frozen parameter loaded with --init-from "
              "needs one too)";
  SliceAttr slice;
  if (plan_) {
    slice = func.getArgAttrOfType<SliceAttr>(arg.index, attr::kSlice);
    if (!slice)
      return emitError(argLoc)
             << "argument '" << arg.name << "' of @" << func.getSymName()
             << " has no mlc.slice, but the module has a memory plan; run "
                "-mlc-plan-memory after the last pass that changes it";
  }
  auto shard = func.getArgAttrOfType<ShardAttr>(arg.index, attr::kShard);
  if (it != bufferByName_.end()) {
    const BufferInfo &existing = buffers_[it->second];
    if (existing.type != arg.type || existing.role != role)
      return func.emitError()
             << "argument '" << arg.name << "' of @" << func.getSymName()
             << " is " << arg.type << " but another entry point uses '"
             << arg.name << "' as " << existing.type;
    // Entry points share a parameter's buffer, so they must agree on how
    // it starts (and so on what a checkpoint of it means).
    if (existing.init != arg.init)
      return func.emitError()
             << "argument '" << arg.name << "' of @" << func.getSymName()
             << " is initialized with " << arg.init
             << " but another entry point initializes '" << arg.name
             << "' with " << existing.init;
    if (existing.slice != slice)
      return emitError(argLoc)
             << "argument '" << arg.name << "' of @" << func.getSymName()
             << " has slice " << slice << " but another entry point gives '"
             << name << "' " << existing.slice;
    if (existing.shard != shard)
      return emitError(argLoc)
             << "argument '" << arg.name << "' of @" << func.getSymName()
             << " is sharded as " << shard << " but another entry point "
             << "shards '" << name << "' as " << existing.shard;
    return it->second;
  }
  FailureOr<uint32_t> index = addTensorBuffer(name, arg.type, role, argLoc);
  if (failed(index))
    return failure();
  buffers_[*index].shard = shard;
  buffers_[*index].init = arg.init;
  buffers_[*index].trainable = !arg.frozen;
  buffers_[*index].slice = slice;
  return index;
}

FailureOr<SmallVector<SliceAttr>> Exporter::resultSlices(Operation &op) {
  SmallVector<SliceAttr> slices(op.getNumResults());
  if (!plan_ || op.getNumResults() == 0)
    return slices;
  auto planned = op.getAttrOfType<ArrayAttr>(attr::kSlices);
  if (!planned || planned.size() != op.getNumResults())
    return op.emitError() << "has no mlc.slices for its results, but the "
                             "module has a memory plan; run -mlc-plan-memory "
                             "after the last pass that changes it";
  for (auto [i, slice] : llvm::enumerate(planned))
    slices[i] = cast<SliceAttr>(slice);
  return slices;
}

FailureOr<uint32_t>
Exporter::inPlaceTarget(func::FuncOp func, const ModelSignature &sig,
                        const llvm::DenseMap<Value, uint32_t> &bufferOf,
                        OpResult result, SliceAttr slice) {
  Operation *op = result.getOwner();
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (const ModelResult &r : sig.results) {
    if (r.kind != ModelResult::Kind::Update ||
        ret.getOperand(r.index) != result)
      continue;
    for (const ModelArg &arg : sig.args) {
      if (arg.name != r.name || arg.kind == ModelArg::Kind::Input)
        continue;
      uint32_t target = bufferOf.lookup(func.getArgument(arg.index));
      if (buffers_[target].slice != slice)
        continue;
      if (!canUpdateInPlace(func, sig, r))
        return op->emitError()
               << "the memory plan computes the update of '" << r.name
               << "' in place, which is not safe here (the old value is "
                  "read after this op, or not elementwise by it); run "
                  "-mlc-plan-memory again";
      return target;
    }
  }
  return op->emitError() << "the memory plan puts result #"
                         << result.getResultNumber() << " at " << slice
                         << ", which is not the slice of the state it updates";
}

FailureOr<uint32_t> Exporter::kernelFor(Operation *op) {
  std::string key = kernelKey(op);
  auto it = kernelByKey_.find(key);
  if (it != kernelByKey_.end())
    return it->second;
  if (failed(target_.checkOp(op)))
    return failure();
  FailureOr<KernelBody> body = target_.buildKernel(op, fbb_);
  if (failed(body))
    return failure();
  auto index = static_cast<uint32_t>(kernels_.size());
  std::string name = "k" + std::to_string(index) + "_" + kernelLabel(op);
  auto fusedOps = fbb_.CreateVectorOfStrings(sourceOps(op));
  kernels_.push_back(fb::CreateKernel(fbb_, fbb_.CreateString(name), fusedOps,
                                      body->type, body->offset));
  kernelByKey_[key] = index;
  return index;
}

flatbuffers::Offset<fb::Command>
Exporter::dispatchCommand(uint32_t kernel,
                          const std::vector<uint32_t> &operands,
                          const std::vector<uint32_t> &results) {
  auto dispatch = fb::CreateDispatchDirect(fbb_, kernel, &operands, &results);
  return fb::CreateCommand(fbb_, fb::CommandBody::Dispatch, dispatch.Union());
}

flatbuffers::Offset<fb::Command> Exporter::copyCommand(uint32_t from,
                                                       uint32_t to) {
  auto copy = fb::CreateCopy(fbb_, from, to);
  return fb::CreateCommand(fbb_, fb::CommandBody::Copy, copy.Union());
}

FailureOr<std::vector<uint32_t>> Exporter::meshAxes(ArrayAttr names,
                                                    Location loc) {
  MeshAttr mesh = getMesh(module_);
  std::vector<uint32_t> axes;
  for (Attribute name : names) {
    std::optional<unsigned> axis =
        mesh ? mesh.axisIndex(cast<StringAttr>(name).getValue()) : std::nullopt;
    if (!axis)
      return emitError(loc) << "names mesh axis " << name
                            << ", which the module's mesh does not have";
    axes.push_back(*axis);
  }
  // The format lists a group's axes in mesh order.
  std::sort(axes.begin(), axes.end());
  return axes;
}

FailureOr<flatbuffers::Offset<fb::Command>>
Exporter::collectiveCommand(Operation *op,
                            const std::vector<uint32_t> &operands,
                            const std::vector<uint32_t> &results) {
  fb::CollectiveKind kind;
  fb::Reduction reduction = fb::Reduction::sum;
  uint32_t peer = 0;
  ArrayAttr names;
  auto reductionOf = [](Reduction r) {
    switch (r) {
    case Reduction::sum:
      return fb::Reduction::sum;
    case Reduction::mean:
      return fb::Reduction::mean;
    case Reduction::max:
      return fb::Reduction::max;
    case Reduction::min:
      return fb::Reduction::min;
    }
    return fb::Reduction::sum;
  };
  if (auto allReduce = dyn_cast<AllReduceOp>(op)) {
    kind = fb::CollectiveKind::all_reduce;
    names = allReduce.getAxes();
    reduction = reductionOf(allReduce.getReduction());
  } else if (auto scatter = dyn_cast<ReduceScatterOp>(op)) {
    kind = fb::CollectiveKind::reduce_scatter;
    names = scatter.getAxes();
    reduction = reductionOf(scatter.getReduction());
  } else if (auto gather = dyn_cast<AllGatherOp>(op)) {
    kind = fb::CollectiveKind::all_gather;
    names = gather.getAxes();
  } else if (auto slice = dyn_cast<AllSliceOp>(op)) {
    kind = fb::CollectiveKind::all_slice;
    names = slice.getAxes();
  } else if (auto send = dyn_cast<SendOp>(op)) {
    kind = fb::CollectiveKind::send;
    names = send.getAxes();
    peer = static_cast<uint32_t>(send.getPeer());
  } else if (auto recv = dyn_cast<RecvOp>(op)) {
    kind = fb::CollectiveKind::recv;
    names = recv.getAxes();
    peer = static_cast<uint32_t>(recv.getPeer());
  } else {
    return op->emitError() << "is a collective the exporter cannot write";
  }
  FailureOr<std::vector<uint32_t>> axes = meshAxes(names, op->getLoc());
  if (failed(axes))
    return failure();
  auto body = fb::CreateCollectiveDirect(fbb_, kind, &operands, &results,
                                         reduction, &*axes, /*root=*/0, peer);
  return fb::CreateCommand(fbb_, fb::CommandBody::Collective, body.Union());
}

FailureOr<flatbuffers::Offset<fb::Shard>>
Exporter::buildShard(const BufferInfo &b) {
  if (!b.shard)
    return flatbuffers::Offset<fb::Shard>();
  std::vector<fb::ShardStep> steps;
  for (unsigned i = 0; i < b.shard.getAxes().size(); ++i) {
    std::optional<unsigned> axis =
        getMesh(module_).axisIndex(b.shard.getAxes()[i].getValue());
    if (!axis) // the verifier checked the axes against the mesh
      return emitError(b.loc)
             << "shard of '" << b.name << "' names an axis the mesh lacks";
    bool flat = b.shard.isFlat(i);
    steps.emplace_back(
        flat ? fb::ShardStepKind::flat : fb::ShardStepKind::split, *axis,
        flat ? 0u : static_cast<uint32_t>(b.shard.getDims()[i]),
        static_cast<uint32_t>(b.shard.getBlocks()[i]));
  }
  std::vector<int64_t> shape(b.shard.getShape().begin(),
                             b.shard.getShape().end());
  return fb::CreateShardDirect(fbb_, &shape, &steps);
}

/// The module's mesh.
flatbuffers::Offset<fb::Mesh> buildMesh(flatbuffers::FlatBufferBuilder &fbb,
                                        ModuleOp module) {
  std::vector<flatbuffers::Offset<fb::MeshAxis>> axes;
  if (MeshAttr mesh = getMesh(module))
    for (auto [name, size] : llvm::zip(mesh.getNames(), mesh.getSizes()))
      axes.push_back(fb::CreateMeshAxis(fbb, fbb.CreateString(name.str()),
                                        static_cast<uint32_t>(size)));
  return fb::CreateMesh(fbb, fbb.CreateVector(axes));
}

/// The program of every rank: with pipeline stages, the rank's coordinate
/// on the pp axis (ranks are row-major over the mesh's axes); else the one
/// program every rank runs.
std::vector<uint32_t> rankPrograms(ModuleOp module, bool pipelined) {
  MeshAttr mesh = getMesh(module);
  std::vector<uint32_t> programs(mesh ? mesh.numRanks() : 1, 0);
  std::optional<unsigned> axis = mesh ? mesh.axisIndex("pp") : std::nullopt;
  if (!pipelined || !axis)
    return programs;
  ArrayRef<int64_t> sizes = mesh.getSizes();
  int64_t inner = 1;
  for (size_t a = *axis + 1; a < sizes.size(); ++a)
    inner *= sizes[a];
  for (size_t r = 0; r < programs.size(); ++r)
    programs[r] =
        static_cast<uint32_t>((static_cast<int64_t>(r) / inner) % sizes[*axis]);
  return programs;
}

fb::EntryKind entryKind(func::FuncOp func) {
  auto kind = func->getAttrOfType<StringAttr>(attr::kKind);
  if (kind && kind.getValue() == kTrainKind)
    return fb::EntryKind::train;
  if (kind && kind.getValue() == kEvalKind)
    return fb::EntryKind::eval;
  if (kind && kind.getValue() == kAccumulateKind)
    return fb::EntryKind::accumulate;
  if (kind && kind.getValue() == kApplyKind)
    return fb::EntryKind::apply;
  if (kind && kind.getValue() == kPrefillKind)
    return fb::EntryKind::prefill;
  if (kind && kind.getValue() == kDecodeKind)
    return fb::EntryKind::decode;
  return fb::EntryKind::other;
}

/// The tokens the KV caches of `func` hold: the smallest extent along the
/// written axis of the caches its cache writes update; 0 without any.
uint64_t cacheContext(func::FuncOp func) {
  uint64_t context = 0;
  func.walk([&](CacheWriteOp write) {
    if (!isa<BlockArgument>(write.getCache()))
      return;
    uint64_t extent = static_cast<uint64_t>(
        write.getCache().getType().getDimSize(write.getNormalizedAxis()));
    context = context == 0 ? extent : std::min(context, extent);
  });
  return context;
}

LogicalResult Exporter::exportFunction(func::FuncOp func) {
  FailureOr<ModelSignature> sig = getModelSignature(func);
  if (failed(sig))
    return failure();
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "an entry point has a single block";
  std::string entryName = func.getSymName().str();

  llvm::DenseMap<Value, uint32_t> bufferOf;
  std::vector<flatbuffers::Offset<fb::Binding>> inputs, outputs;
  uint64_t batch = 0;
  for (const ModelArg &arg : sig->args) {
    FailureOr<uint32_t> b = persistentBuffer(arg, func);
    if (failed(b))
      return failure();
    bufferOf[func.getArgument(arg.index)] = *b;
    if (arg.kind != ModelArg::Kind::Input)
      continue;
    if (arg.position) { // a scalar, not batched
      inputs.push_back(fb::CreateBinding(fbb_, fbb_.CreateString(arg.name), *b,
                                         false, 0, 0, /*position=*/true));
      continue;
    }
    if (arg.type.getRank() == 0)
      return func.emitError() << "input '" << arg.name
                              << "' must have a leading batch dimension";
    uint64_t lead = static_cast<uint64_t>(arg.type.getDimSize(0));
    if (batch != 0 && lead != batch)
      return func.emitError()
             << "inputs of @" << entryName
             << " disagree on the batch size (leading dimension): " << batch
             << " and " << lead << " ('" << arg.name << "')";
    batch = lead;
    inputs.push_back(fb::CreateBinding(fbb_, fbb_.CreateString(arg.name), *b,
                                       arg.tokenWindow, arg.shift, arg.vocab));
  }

  std::vector<flatbuffers::Offset<fb::Command>> commands;
  uint64_t flops = 0;
  unsigned counter = 0;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());

  for (Operation &op : func.getBody().front().without_terminator()) {
    unsigned id = counter++;
    if (op.getNumResults() == 0 && !isa<SendOp>(op))
      return op.emitError() << "an op without results cannot be exported";
    FailureOr<SmallVector<SliceAttr>> slices = resultSlices(op);
    if (failed(slices))
      return failure();
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense)
        return op.emitError() << "only dense constants can be exported";
      FailureOr<uint32_t> b = addConstant(entryName + ".c" + std::to_string(id),
                                          dense, op.getLoc());
      if (failed(b))
        return failure();
      buffers_[*b].slice = (*slices)[0];
      bufferOf[constant.getResult()] = *b;
      continue;
    }

    // A reshape the plan gives its operand's slice is a view of the
    // operand's buffer: no bytes and no command of its own.
    if (auto reshape = dyn_cast<ReshapeOp>(op); reshape && (*slices)[0]) {
      uint32_t source = bufferOf.lookup(reshape.getInput());
      uint32_t root = buffers_[source].viewOf.value_or(source);
      if (buffers_[root].slice == (*slices)[0] &&
          buffers_[root].role == fb::BufferRole::activation) {
        FailureOr<uint32_t> b = addTensorBuffer(
            entryName + ".t" + std::to_string(id), reshape.getType(),
            fb::BufferRole::activation, op.getLoc());
        if (failed(b))
          return failure();
        buffers_[*b].slice = (*slices)[0];
        buffers_[*b].viewOf = root;
        bufferOf[reshape.getResult()] = *b;
        continue;
      }
    }

    // Each result gets a buffer of its own ("<entry>.t<id>", or
    // "<entry>.t<id>.<result>" for ops with several), unless the plan
    // computes it into the state it updates.
    std::vector<uint32_t> resultBuffers;
    for (OpResult result : op.getResults()) {
      SliceAttr slice = (*slices)[result.getResultNumber()];
      if (slice && holdsState(slice.getArena())) {
        FailureOr<uint32_t> target =
            inPlaceTarget(func, *sig, bufferOf, result, slice);
        if (failed(target))
          return failure();
        resultBuffers.push_back(*target);
        bufferOf[result] = *target;
        continue;
      }
      std::string name = entryName + ".t" + std::to_string(id);
      if (op.getNumResults() > 1)
        name += "." + std::to_string(result.getResultNumber());
      FailureOr<uint32_t> b = addTensorBuffer(
          std::move(name), cast<RankedTensorType>(result.getType()),
          fb::BufferRole::activation, op.getLoc());
      if (failed(b))
        return failure();
      buffers_[*b].slice = slice;
      resultBuffers.push_back(*b);
      bufferOf[result] = *b;
    }

    std::vector<uint32_t> operandBuffers;
    for (Value operand : op.getOperands())
      operandBuffers.push_back(bufferOf.lookup(operand));
    if (op.hasTrait<trait::Collective>()) {
      FailureOr<flatbuffers::Offset<fb::Command>> command =
          collectiveCommand(&op, operandBuffers, resultBuffers);
      if (failed(command))
        return failure();
      commands.push_back(*command);
      continue;
    }
    FailureOr<uint32_t> kernel = kernelFor(&op);
    if (failed(kernel))
      return failure();
    commands.push_back(dispatchCommand(*kernel, operandBuffers, resultBuffers));
    flops += countFlops(&op);
  }

  // Outputs report the values of this call. One that is a parameter or
  // state this call updates is copied first, before anything overwrites it.
  llvm::DenseSet<uint32_t> updated;
  for (const ModelResult &r : sig->results)
    if (r.kind == ModelResult::Kind::Update)
      updated.insert(bufferByName_.lookup(r.name));
  std::vector<flatbuffers::Offset<fb::Command>> snapshots;
  llvm::DenseMap<uint32_t, uint32_t> snapshotOf;
  for (const ModelResult &r : sig->results) {
    if (r.kind != ModelResult::Kind::Output)
      continue;
    Value v = ret.getOperand(r.index);
    uint32_t source = bufferOf.lookup(v);
    if (buffers_[source].role == fb::BufferRole::activation)
      buffers_[source].role = fb::BufferRole::output;
    if (updated.contains(source)) {
      auto [it, inserted] = snapshotOf.try_emplace(source, 0);
      if (inserted) {
        FailureOr<uint32_t> copy =
            addTensorBuffer(entryName + ".out." + r.name, buffers_[source].type,
                            fb::BufferRole::output, buffers_[source].loc);
        if (failed(copy))
          return failure();
        it->second = *copy;
        if (plan_) {
          buffers_[*copy].slice =
              func.getResultAttrOfType<SliceAttr>(r.index, attr::kSlice);
          if (!buffers_[*copy].slice)
            return func.emitError()
                   << "result #" << r.index << " ('" << r.name
                   << "') has no mlc.slice, but the module has a memory "
                      "plan; run -mlc-plan-memory after the last pass that "
                      "changes it";
        }
        snapshots.push_back(copyCommand(source, *copy));
      }
      source = it->second;
    }
    outputs.push_back(
        fb::CreateBinding(fbb_, fbb_.CreateString(r.name), source));
  }
  commands.insert(commands.begin(), snapshots.begin(), snapshots.end());

  // Updates not already computed in place are copied after the step.
  for (const ModelResult &r : sig->results) {
    if (r.kind != ModelResult::Kind::Update)
      continue;
    uint32_t source = bufferOf.lookup(ret.getOperand(r.index));
    uint32_t target = bufferByName_.lookup(r.name);
    if (source == target)
      continue;
    // Copies run after the step in result order; copying from another
    // persistent buffer could read a value an earlier copy replaced.
    if (fb::keepsValues(buffers_[source].role))
      return func.emitError()
             << "result #" << r.index << " updates '" << r.name
             << "' with the unchanged value of '" << buffers_[source].name
             << "', which is not supported; compute the new value instead";
    commands.push_back(copyCommand(source, target));
  }

  fb::EntryKind kind = entryKind(func);
  uint64_t microBatches = 0;
  if (kind == fb::EntryKind::apply) {
    auto k = func->getAttrOfType<IntegerAttr>(attr::kMicroBatches);
    if (!k || k.getInt() < 2)
      return func.emitError() << "an apply entry point needs "
                              << attr::kMicroBatches << " = K (K >= 2)";
    microBatches = static_cast<uint64_t>(k.getInt());
  }
  if (kind == fb::EntryKind::train || kind == fb::EntryKind::apply) {
    if (auto opt = func->getAttrOfType<StringAttr>(attr::kOptimizer))
      optimizer_ = opt.str();
  }
  if (kind == fb::EntryKind::train)
    trainFlops_ = flops;
  else if (kind == fb::EntryKind::eval)
    evalFlops_ = flops;
  else if (kind == fb::EntryKind::accumulate)
    accumulateFlops_ = flops;
  else if (kind == fb::EntryKind::apply) {
    applyFlops_ = flops;
    microBatches_ = microBatches;
  }
  std::vector<uint32_t> batchAxes;
  if (auto names = func->getAttrOfType<ArrayAttr>(attr::kBatchAxes)) {
    FailureOr<std::vector<uint32_t>> axes = meshAxes(names, func.getLoc());
    if (failed(axes))
      return failure();
    batchAxes = std::move(*axes);
  }
  entries_.push_back(fb::CreateEntryPoint(
      fbb_, fbb_.CreateString(entryName), fbb_.CreateVector(inputs),
      fbb_.CreateVector(outputs), fbb_.CreateVector(commands), flops, batch,
      kind, microBatches, cacheContext(func), fbb_.CreateVector(batchAxes)));
  return success();
}

FailureOr<std::array<uint64_t, kNumArenaKinds>>
Exporter::layOutBuffers(std::vector<uint64_t> &offsets) {
  std::array<uint64_t, kNumArenaKinds> sizes = {};
  offsets.clear();
  if (!plan_) {
    for (const BufferInfo &b : buffers_) {
      uint64_t &end = sizes[static_cast<size_t>(fb::arenaKindOf(b.role))];
      offsets.push_back(end);
      uint64_t bytes = static_cast<uint64_t>(numElements(b.shape)) *
                       fb::elementBytes(b.dtype);
      end += (bytes + kSliceAlignment - 1) / kSliceAlignment * kSliceAlignment;
    }
    return sizes;
  }
  for (NamedAttribute arena : plan_) {
    std::optional<ArenaKind> kind = symbolizeArenaKind(arena.getName());
    auto size = dyn_cast<IntegerAttr>(arena.getValue());
    if (kind && size) // the dialect verified both
      sizes[static_cast<size_t>(toArenaKind(*kind))] =
          static_cast<uint64_t>(size.getInt());
  }
  for (const BufferInfo &b : buffers_) {
    uint64_t bytes =
        static_cast<uint64_t>(numElements(b.shape)) * fb::elementBytes(b.dtype);
    fb::ArenaKind expected = fb::arenaKindOf(b.role);
    if (!b.slice)
      return emitError(b.loc) << "buffer '" << b.name
                              << "' has no slice in the module's memory plan";
    if (toArenaKind(b.slice.getArena()) != expected)
      return emitError(b.loc) << "the memory plan puts '" << b.name << "' ("
                              << fb::EnumNameBufferRole(b.role) << ") in the "
                              << stringifyArenaKind(b.slice.getArena())
                              << " arena; it belongs in the "
                              << fb::EnumNameArenaKind(expected) << " arena";
    if (b.slice.getSize() != bytes)
      return emitError(b.loc)
             << "the memory plan gives '" << b.name << "' " << b.slice.getSize()
             << " bytes, but it is " << b.type << " (" << bytes << " bytes)";
    uint64_t size = sizes[static_cast<size_t>(expected)];
    if (b.slice.getOffset() + b.slice.getSize() > size)
      return emitError(b.loc)
             << "the memory plan puts '" << b.name << "' at " << b.slice
             << ", past the " << size << " bytes mlc.arenas gives the "
             << fb::EnumNameArenaKind(expected) << " arena";
    offsets.push_back(b.slice.getOffset());
  }
  return sizes;
}

FailureOr<flatbuffers::Offset<fb::Program>>
Exporter::buildProgram(uint32_t firstRank) {
  bool any = false;
  for (auto func : module_.getOps<func::FuncOp>()) {
    if (func.isExternal())
      return func.emitError() << "an entry point needs a body";
    if (failed(exportFunction(func)))
      return failure();
    any = true;
  }
  if (!any)
    return module_.emitError() << "the module has no functions to export";

  std::vector<uint64_t> offsets;
  FailureOr<std::array<uint64_t, kNumArenaKinds>> sizes =
      layOutBuffers(offsets);
  if (failed(sizes))
    return failure();
  std::vector<flatbuffers::Offset<fb::Arena>> arenas;
  std::array<uint32_t, kNumArenaKinds> arenaIndex = {};
  for (size_t k = 0; k < kNumArenaKinds; ++k) {
    if ((*sizes)[k] == 0)
      continue;
    arenaIndex[k] = static_cast<uint32_t>(arenas.size());
    arenas.push_back(
        fb::CreateArena(fbb_, static_cast<fb::ArenaKind>(k), (*sizes)[k]));
  }

  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  for (auto [i, b] : llvm::enumerate(buffers_)) {
    flatbuffers::Offset<fb::InitSpec> init;
    if (b.init)
      init =
          fb::CreateInitSpec(fbb_, toInitKind(b.init.getKind()),
                             b.init.getFirstValue(), b.init.getSecondValue());
    uint64_t bytes =
        static_cast<uint64_t>(numElements(b.shape)) * fb::elementBytes(b.dtype);
    auto data = b.data.empty() ? 0 : fbb_.CreateVector(b.data);
    FailureOr<flatbuffers::Offset<fb::Shard>> shard = buildShard(b);
    if (failed(shard))
      return failure();
    buffers.push_back(fb::CreateBuffer(
        fbb_, fbb_.CreateString(b.name), b.dtype, fbb_.CreateVector(b.shape),
        bytes, b.role, init, data, b.trainable, b.splat,
        arenaIndex[static_cast<size_t>(fb::arenaKindOf(b.role))], offsets[i],
        b.viewOf.has_value(), b.viewOf.value_or(0), *shard));
    if (b.role == fb::BufferRole::parameter)
      paramNames_.push_back(b.name);
  }
  return fb::CreateProgram(
      fbb_, firstRank, fbb_.CreateString(target_.name().str()),
      fbb_.CreateVector(buffers), fbb_.CreateVector(kernels_),
      fbb_.CreateVector(entries_), fbb_.CreateVector(arenas));
}

} // namespace

FailureOr<std::string> exportExecutable(ModuleOp module, const Target &target,
                                        const ExportOptions &options) {
  // A pipeline's stages are nested modules, one program each; else the
  // module is the one program.
  SmallVector<ModuleOp> stages;
  for (auto nested : module.getOps<ModuleOp>())
    stages.push_back(nested);
  auto pipeline = module->getAttrOfType<DictionaryAttr>(attr::kPipeline);
  if (!stages.empty() && !pipeline)
    return module.emitError()
           << "the module holds nested modules but no mlc.pipeline: only the "
              "stages of a pipeline are exported as programs of their own";
  if (pipeline) {
    int64_t expected = pipeline.getAs<IntegerAttr>("stages").getInt();
    if (static_cast<int64_t>(stages.size()) != expected)
      return module.emitError()
             << "mlc.pipeline has " << expected << " stages but the module "
             << stages.size() << " stage modules (run -mlc-pipeline-split)";
    for (auto [k, stage] : llvm::enumerate(stages)) {
      auto index = stage->getAttrOfType<IntegerAttr>(attr::kStage);
      if (!index || index.getInt() != static_cast<int64_t>(k))
        return stage.emitError() << "is not stage " << k << " of the pipeline";
    }
    if (!module.getOps<func::FuncOp>().empty())
      return module.emitError() << "a pipelined module holds its functions "
                                   "in its stage modules only";
  } else {
    stages.push_back(module);
  }
  std::vector<uint32_t> ranks =
      rankPrograms(module, static_cast<bool>(pipeline));
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<fb::Program>> programs;
  std::vector<std::string> paramNames;
  llvm::StringSet<> named;
  uint64_t flops = 0;
  std::string optimizer;
  for (auto [k, stage] : llvm::enumerate(stages)) {
    uint32_t firstRank = 0;
    while (firstRank < ranks.size() && ranks[firstRank] != k)
      ++firstRank;
    Exporter exporter(stage, target, options, fbb);
    FailureOr<flatbuffers::Offset<fb::Program>> program =
        exporter.buildProgram(firstRank);
    if (failed(program))
      return failure();
    programs.push_back(*program);
    for (const std::string &name : exporter.paramNames())
      if (named.insert(name).second)
        paramNames.push_back(name);
    // One pipeline step is every stage's share.
    flops += exporter.stepFlops();
    if (optimizer.empty())
      optimizer = exporter.optimizer();
  }
  auto mesh = buildMesh(fbb, module);
  auto metadata = fb::CreateMetadata(
      fbb, fbb.CreateString(options.modelName),
      fbb.CreateString(options.producer), fbb.CreateString(optimizer),
      fbb.CreateVectorOfStrings(paramNames), flops);
  flatbuffers::Offset<fb::Pipeline> pipelineInfo;
  if (pipeline) {
    int64_t k = pipeline.getAs<IntegerAttr>("stages").getInt();
    int64_t m = pipeline.getAs<IntegerAttr>("micro_batches").getInt();
    pipelineInfo = fb::CreatePipeline(
        fbb, static_cast<uint32_t>(k), static_cast<uint32_t>(m),
        fbb.CreateString(
            pipeline.getAs<StringAttr>("schedule").getValue().str()),
        static_cast<double>(k - 1) / static_cast<double>(m + k - 1));
  }
  auto exe = fb::CreateExecutable(
      fbb, fb::kFormatVersion, mesh, fbb.CreateVector(programs), metadata,
      ranks.size() > 1 ? fbb.CreateVector(ranks) : 0, pipelineInfo);
  fb::FinishExecutableBuffer(fbb, exe);
  return std::string(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}

} // namespace mlc
