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
/// that its result may share memory with a same-shaped operand.
bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, NegOp, AbsOp,
             ExpOp, LogOp, TanhOp, CosOp, SinOp, SqrtOp, RsqrtOp, ReluOp,
             SigmoidOp, GeluOp, ErfOp, SiluOp, SelectOp, CastOp>(op);
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
  FailureOr<flatbuffers::Offset<fb::Kernel>> buildKernel(Operation *op,
                                                         StringRef name);
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
  std::vector<flatbuffers::Offset<fb::EntryPoint>> entries_;
  uint64_t trainFlops_ = 0, evalFlops_ = 0, constantBytes_ = 0;
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

FailureOr<uint32_t> Exporter::addConstant(std::string name,
                                          DenseElementsAttr value,
                                          Location loc) {
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
  auto it = bufferByName_.find(arg.name);
  fb::BufferRole role = fb::BufferRole::input;
  if (arg.kind == ModelArg::Kind::Param)
    role = fb::BufferRole::parameter;
  else if (arg.kind == ModelArg::Kind::State)
    role = arg.counter ? fb::BufferRole::step_counter
                       : fb::BufferRole::optimizer_state;
  Location argLoc = func.getArgument(arg.index).getLoc();
  if (arg.kind != ModelArg::Kind::Input && !arg.init)
    return emitError(argLoc)
           << (arg.kind == ModelArg::Kind::Param ? "parameter '" : "state '")
           << arg.name
           << "' has no initializer; give it one, e.g. mlc.init = "
              "#mlc.init<zeros> (a frozen parameter loaded with --init-from "
              "needs one too)";
  if (it != bufferByName_.end()) {
    const BufferInfo &existing = buffers_[it->second];
    if (existing.type != arg.type || existing.role != role)
      return func.emitError()
             << "argument '" << arg.name << "' of @" << func.getSymName()
             << " is " << arg.type << " but another entry point uses '"
             << arg.name << "' as " << existing.type;
    return it->second;
  }
  FailureOr<uint32_t> index =
      addTensorBuffer(arg.name, arg.type, role, argLoc);
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
    // Only a single-result op computes into a persistent buffer: the
    // runtime checks in-place safety per kernel, not per result.
    Operation *producer = v.getDefiningOp();
    if (!producer || isa<ConstantOp>(producer) ||
        producer->getNumResults() != 1 || timesReturned[v] != 1 ||
        inPlace.count(v))
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
      if (reader == producer)
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

FailureOr<flatbuffers::Offset<fb::Kernel>>
Exporter::buildKernel(Operation *op, StringRef name) {
  if (failed(target_.checkOp(op)))
    return failure();
  FailureOr<KernelBody> body = target_.buildKernel(op, fbb_);
  if (failed(body))
    return failure();
  std::string fused =
      op->getName().getStringRef().str() + " @ " + describeLoc(op->getLoc());
  auto fusedOps = fbb_.CreateVectorOfStrings({fused});
  return fb::CreateKernel(fbb_, fbb_.CreateString(name.str()), fusedOps,
                          body->type, body->offset);
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
  return fb::EntryKind::other;
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

    std::string kernelName = "k" + std::to_string(kernels_.size()) + "_" +
                             op.getName().stripDialect().str();
    FailureOr<flatbuffers::Offset<fb::Kernel>> kernel =
        buildKernel(&op, kernelName);
    if (failed(kernel))
      return failure();
    std::vector<uint32_t> operandBuffers;
    for (Value operand : op.getOperands())
      operandBuffers.push_back(bufferOf.lookup(operand));
    commands.push_back(
        fb::CreateCommandDirect(fbb_, static_cast<uint32_t>(kernels_.size()),
                                &operandBuffers, &resultBuffers));
    kernels_.push_back(*kernel);
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
        FailureOr<uint32_t> copy = addTensorBuffer(
            entryName + ".out." + r.name, buffers_[source].type,
            fb::BufferRole::output, buffers_[source].loc);
        if (failed(copy))
          return failure();
        it->second = *copy;
        snapshots.push_back(copyCommand(
            source, *copy,
            "value of '" + buffers_[source].name + "' before the update"));
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
    if (fb::isPersistent(buffers_[source].role))
      return func.emitError()
             << "result #" << r.index << " updates '" << r.name
             << "' with the unchanged value of '" << buffers_[source].name
             << "', which is not supported; compute the new value instead";
    commands.push_back(
        copyCommand(source, target, "update of '" + r.name + "'"));
  }

  fb::EntryKind kind = entryKind(func);
  if (kind == fb::EntryKind::train) {
    trainFlops_ = flops;
    if (auto opt = func->getAttrOfType<StringAttr>(attr::kOptimizer))
      optimizer_ = opt.str();
  } else if (kind == fb::EntryKind::eval) {
    evalFlops_ = flops;
  }
  entries_.push_back(fb::CreateEntryPoint(
      fbb_, fbb_.CreateString(entryName), fbb_.CreateVector(inputs),
      fbb_.CreateVector(outputs), fbb_.CreateVector(commands), flops, batch,
      kind));
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
    buffers.push_back(fb::CreateBuffer(fbb_, fbb_.CreateString(b.name), b.dtype,
                                       fbb_.CreateVector(b.shape), bytes,
                                       b.role, init, data, b.trainable,
                                       b.splat));
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
      fbb_.CreateVectorOfStrings(paramNames),
      trainFlops_ ? trainFlops_ : evalFlops_);
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
