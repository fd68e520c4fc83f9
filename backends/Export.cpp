// Exporting a module of model functions to the .mlcx executable format:
// buffer assignment, command order, in-place updates, metadata.
#include "backends/Export.h"

#include "ir/Broadcast.h"
#include "ir/Cost.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

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

/// Whether an op reads its operands elementwise at the index it writes, so
/// that its result may share memory with a same-shaped operand: the
/// Elementwise ops (but not broadcast_to, which reads one element for
/// many) and "loop" kernel regions, which store a tile's results after
/// reading its operands.
bool isElementwise(Operation *op) {
  if (isa<FusionOp>(op))
    return true;
  return op->hasTrait<trait::Elementwise>() && !isa<BroadcastToOp>(op);
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
/// attributes and types of the op and of the ops in its region, with the
/// values inside the region numbered locally (not the operands' names or
/// any location).
std::string kernelKey(Operation *op) {
  std::string key;
  llvm::raw_string_ostream os(key);
  llvm::DenseMap<Value, unsigned> local;
  auto describe = [&](Operation *o) {
    os << o->getName() << o->getAttrDictionary() << "(";
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
};

class Exporter {
public:
  Exporter(ModuleOp module, const Target &target, const ExportOptions &options)
      : module_(module), target_(target), options_(options) {}

  FailureOr<std::string> run();

private:
  FailureOr<uint32_t> addBuffer(BufferInfo info, Location loc);
  /// FLOPs of one optimizer step (or of eval without training).
  uint64_t stepFlops() const {
    if (microBatches_)
      return microBatches_ * accumulateFlops_ + applyFlops_;
    return trainFlops_ ? trainFlops_ : evalFlops_;
  }
  /// A buffer for a value of `type` (an activation or a constant).
  FailureOr<uint32_t> addTensorBuffer(std::string name, RankedTensorType type,
                                      fb::BufferRole role, Location loc);
  FailureOr<uint32_t> addConstant(std::string name, DenseElementsAttr value,
                                  Location loc);
  FailureOr<uint32_t> persistentBuffer(const ModelArg &arg, func::FuncOp func);
  LogicalResult exportFunction(func::FuncOp func);
  /// The value in `ret` each persistent buffer may be computed into in
  /// place, keyed by the producing op's result.
  llvm::DenseMap<Value, uint32_t>
  findInPlaceUpdates(func::FuncOp func, const ModelSignature &sig,
                     llvm::DenseMap<Value, uint32_t> &argBuffers);
  /// The kernel computing `op`, built by the target the first time an op
  /// of its kind, attributes and types (and region) appears.
  FailureOr<uint32_t> kernelFor(Operation *op);
  /// A command copying buffer `from` into `to`, described by `what`.
  flatbuffers::Offset<fb::Command> copyCommand(uint32_t from, uint32_t to,
                                               const std::string &what);

  ModuleOp module_;
  const Target &target_;
  const ExportOptions &options_;
  flatbuffers::FlatBufferBuilder fbb_;
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
  // Prefill and decode take tokens of their own T: their inputs are buffers
  // of their own ("decode.tokens"), bound under the argument's name.
  std::string name = arg.kind == ModelArg::Kind::Input && isInferenceKind(func)
                         ? func.getSymName().str() + "." + arg.name
                         : arg.name;
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
  if (it != bufferByName_.end() && arg.kind == ModelArg::Kind::Input &&
      buffers_[it->second].type != arg.type) {
    // An eval function of another batch size: its inputs get buffers of
    // their own (bindings keep the input's name).
    name = func.getSymName().str() + ".in." + arg.name;
    it = bufferByName_.find(name);
  }
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
    return it->second;
  }
  FailureOr<uint32_t> index = addTensorBuffer(name, arg.type, role, argLoc);
  if (failed(index))
    return failure();
  buffers_[*index].init = arg.init;
  buffers_[*index].trainable = !arg.frozen;
  return index;
}

llvm::DenseMap<Value, uint32_t>
Exporter::findInPlaceUpdates(func::FuncOp func, const ModelSignature &sig,
                             llvm::DenseMap<Value, uint32_t> &argBuffers) {
  llvm::DenseMap<Value, uint32_t> inPlace;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  llvm::DenseMap<Value, unsigned> timesReturned;
  for (Value v : ret.getOperands())
    ++timesReturned[v];
  llvm::DenseMap<Operation *, unsigned> position;
  unsigned i = 0;
  for (Operation &op : func.getBody().front())
    position[&op] = i++;

  for (const ModelResult &r : sig.results) {
    if (r.kind != ModelResult::Kind::Update)
      continue;
    Value v = ret.getOperand(r.index);
    // Only a single-result op computes into a persistent buffer (the
    // runtime checks in-place safety per kernel, not per result), or a
    // loop region, whose tiles store every result after all their reads.
    Operation *producer = v.getDefiningOp();
    if (!producer || isa<ConstantOp>(producer) ||
        (producer->getNumResults() != 1 && !isa<FusionOp>(producer)) ||
        timesReturned[v] != 1 || inPlace.count(v))
      continue;
    // The old value lives in the same buffer: every reader of it must run
    // before the producer, or be the producer itself reading elementwise.
    const ModelArg *arg = nullptr;
    for (const ModelArg &a : sig.args)
      if (a.name == r.name)
        arg = &a;
    Value old = func.getArgument(arg->index);
    bool safe = true;
    for (OpOperand &use : old.getUses()) {
      Operation *reader = use.getOwner();
      if (reader == ret.getOperation())
        continue;
      if (reader == producer && isa<CacheWriteOp>(producer))
        // A cache write reads its cache only where it does not write.
        safe &= use.getOperandNumber() == 0;
      else if (reader == producer)
        safe &= isElementwise(producer) &&
                cast<RankedTensorType>(old.getType()).getShape() ==
                    cast<RankedTensorType>(v.getType()).getShape();
      else
        safe &= position[reader] < position[producer];
    }
    if (safe)
      inPlace[v] = argBuffers.lookup(old);
  }
  return inPlace;
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
Exporter::copyCommand(uint32_t from, uint32_t to, const std::string &what) {
  KernelBody body = target_.buildCopyKernel(fbb_);
  std::string kernelName = "k" + std::to_string(kernels_.size()) + "_copy";
  kernels_.push_back(fb::CreateKernel(fbb_, fbb_.CreateString(kernelName),
                                      fbb_.CreateVectorOfStrings({what}),
                                      body.type, body.offset));
  std::vector<uint32_t> operands = {from}, results = {to};
  return fb::CreateCommandDirect(
      fbb_, static_cast<uint32_t>(kernels_.size() - 1), &operands, &results);
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

  llvm::DenseMap<Value, uint32_t> inPlace =
      findInPlaceUpdates(func, *sig, bufferOf);
  std::vector<flatbuffers::Offset<fb::Command>> commands;
  uint64_t flops = 0;
  unsigned counter = 0;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());

  for (Operation &op : func.getBody().front().without_terminator()) {
    unsigned id = counter++;
    if (op.getNumResults() == 0)
      return op.emitError() << "an op without results cannot be exported";
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense)
        return op.emitError() << "only dense constants can be exported";
      FailureOr<uint32_t> b = addConstant(entryName + ".c" + std::to_string(id),
                                          dense, op.getLoc());
      if (failed(b))
        return failure();
      bufferOf[constant.getResult()] = *b;
      continue;
    }

    // Each result gets a buffer of its own ("<entry>.t<id>", or
    // "<entry>.t<id>.<result>" for ops with several).
    std::vector<uint32_t> resultBuffers;
    for (OpResult result : op.getResults()) {
      auto it = inPlace.find(result);
      if (it != inPlace.end()) {
        resultBuffers.push_back(it->second);
        bufferOf[result] = it->second;
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
      resultBuffers.push_back(*b);
      bufferOf[result] = *b;
    }

    FailureOr<uint32_t> kernel = kernelFor(&op);
    if (failed(kernel))
      return failure();
    std::vector<uint32_t> operandBuffers;
    for (Value operand : op.getOperands())
      operandBuffers.push_back(bufferOf.lookup(operand));
    commands.push_back(fb::CreateCommandDirect(fbb_, *kernel, &operandBuffers,
                                               &resultBuffers));
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
        snapshots.push_back(copyCommand(source, *copy,
                                        "value of '" + buffers_[source].name +
                                            "' before the update"));
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
    commands.push_back(
        copyCommand(source, target, "update of '" + r.name + "'"));
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
  entries_.push_back(fb::CreateEntryPoint(
      fbb_, fbb_.CreateString(entryName), fbb_.CreateVector(inputs),
      fbb_.CreateVector(outputs), fbb_.CreateVector(commands), flops, batch,
      kind, microBatches, cacheContext(func)));
  return success();
}

FailureOr<std::string> Exporter::run() {
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

  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  std::vector<std::string> paramNames;
  for (const BufferInfo &b : buffers_) {
    flatbuffers::Offset<fb::InitSpec> init;
    if (b.init)
      init =
          fb::CreateInitSpec(fbb_, toInitKind(b.init.getKind()),
                             b.init.getFirstValue(), b.init.getSecondValue());
    uint64_t bytes =
        static_cast<uint64_t>(numElements(b.shape)) * fb::elementBytes(b.dtype);
    auto data = b.data.empty() ? 0 : fbb_.CreateVector(b.data);
    buffers.push_back(fb::CreateBuffer(
        fbb_, fbb_.CreateString(b.name), b.dtype, fbb_.CreateVector(b.shape),
        bytes, b.role, init, data, b.trainable, b.splat));
    if (b.role == fb::BufferRole::parameter)
      paramNames.push_back(b.name);
  }
  auto program =
      fb::CreateProgram(fbb_, 0, fbb_.CreateString(target_.name().str()),
                        fbb_.CreateVector(buffers), fbb_.CreateVector(kernels_),
                        fbb_.CreateVector(entries_));
  auto mesh = fb::CreateMesh(
      fbb_,
      fbb_.CreateVector(std::vector<flatbuffers::Offset<fb::MeshAxis>>{}));
  auto metadata = fb::CreateMetadata(
      fbb_, fbb_.CreateString(options_.modelName),
      fbb_.CreateString(options_.producer), fbb_.CreateString(optimizer_),
      fbb_.CreateVectorOfStrings(paramNames), stepFlops());
  auto exe =
      fb::CreateExecutable(fbb_, fb::kFormatVersion, mesh,
                           fbb_.CreateVector(std::vector{program}), metadata);
  fb::FinishExecutableBuffer(fbb_, exe);
  return std::string(reinterpret_cast<const char *>(fbb_.GetBufferPointer()),
                     fbb_.GetSize());
}

} // namespace

FailureOr<std::string> exportExecutable(ModuleOp module, const Target &target,
                                        const ExportOptions &options) {
  Exporter exporter(module, target, options);
  return exporter.run();
}

} // namespace mlc
