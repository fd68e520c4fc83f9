// `mlc analyze` (Analyze.h): walks each entry point's top-level ops, one
// future kernel each, and reads the memory plan's attributes.
#include "tools/mlc/Analyze.h"

#include "ir/Cost.h"
#include "ir/MlcDialect.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace mlc {

using namespace mlir;
namespace json = llvm::json;

namespace {

uint64_t bytesOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return 0;
  unsigned bits = tensor.getElementTypeBitWidth();
  // i1 tensors take a byte per element, as the runtime stores them.
  return static_cast<uint64_t>(tensor.getNumElements()) *
         std::max<uint64_t>(1, bits / 8);
}

std::string typeText(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

std::string locationText(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

double intensity(uint64_t flops, uint64_t bytes) {
  return bytes ? static_cast<double>(flops) / static_cast<double>(bytes) : 0;
}

/// The memory plan's slice of `value`, or null (no plan, or not planned).
Attribute sliceOf(func::FuncOp func, Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value))
    return func.getArgAttr(arg.getArgNumber(), attr::kSlice);
  auto result = cast<OpResult>(value);
  auto slices = result.getOwner()->getAttrOfType<ArrayAttr>(attr::kSlices);
  if (!slices || result.getResultNumber() >= slices.size())
    return {};
  return slices[result.getResultNumber()];
}

/// Whether `op` becomes no kernel: a constant (data in the executable) or
/// a reshape the plan makes a view of its operand.
bool movesNothing(func::FuncOp func, Operation *op) {
  if (isa<ConstantOp>(op))
    return true;
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    Attribute result = sliceOf(func, reshape.getResult());
    return result && result == sliceOf(func, reshape.getInput());
  }
  return false;
}

/// Operand and result bytes of `op`, each once.
uint64_t kernelBytes(Operation *op) {
  uint64_t bytes = 0;
  for (Type t : op->getOperandTypes())
    bytes += bytesOf(t);
  for (Type t : op->getResultTypes())
    bytes += bytesOf(t);
  return bytes;
}

json::Object analyzeEntry(func::FuncOp func) {
  uint64_t flops = 0, bytes = 0;
  json::Array matmuls, regions;
  // Other kernels by op name, in order of first appearance.
  std::vector<std::string> otherOrder;
  std::map<std::string, std::array<uint64_t, 3>> other;
  // Collectives by kind and mesh axes ("all_reduce over tp"): calls and
  // the bytes handed over.
  std::vector<std::pair<std::string, std::vector<std::string>>> collectiveOrder;
  std::map<std::string, std::array<uint64_t, 2>> collectives;
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (movesNothing(func, &op))
      continue;
    uint64_t f = countFlops(&op), b = kernelBytes(&op);
    flops += f;
    bytes += b;
    if (auto matmul = dyn_cast<MatmulOp>(op)) {
      matmuls.push_back(
          json::Object{{"location", locationText(op.getLoc())},
                       {"lhs", typeText(matmul.getLhs().getType())},
                       {"rhs", typeText(matmul.getRhs().getType())},
                       {"result", typeText(matmul.getResult().getType())},
                       {"transpose_lhs", matmul.getTransposeLhs()},
                       {"transpose_rhs", matmul.getTransposeRhs()},
                       {"flops", f},
                       {"bytes", b},
                       {"intensity", intensity(f, b)}});
      continue;
    }
    if (auto fusion = dyn_cast<FusionOp>(op)) {
      json::Array ops;
      for (Operation &inner : fusion.getBodyOps())
        ops.push_back(inner.getName().getStringRef().str());
      // The iteration space: the largest input or result.
      Type widest;
      uint64_t widestBytes = 0;
      auto consider = [&](Type t) {
        if (bytesOf(t) > widestBytes) {
          widestBytes = bytesOf(t);
          widest = t;
        }
      };
      llvm::for_each(op.getOperandTypes(), consider);
      llvm::for_each(op.getResultTypes(), consider);
      regions.push_back(json::Object{{"kind", fusion.getKind().str()},
                                     {"ops", std::move(ops)},
                                     {"shape", widest ? typeText(widest) : ""},
                                     {"flops", f},
                                     {"bytes", b},
                                     {"intensity", intensity(f, b)}});
      continue;
    }
    std::string name = op.getName().getStringRef().str();
    if (op.hasTrait<trait::Collective>()) {
      // A rank keeping its part of its own value hands nothing over.
      if (isa<AllSliceOp>(op))
        continue;
      std::string kind = op.getName().stripDialect().str();
      std::vector<std::string> axes;
      for (Attribute a : op.getAttrOfType<ArrayAttr>("axes"))
        axes.push_back(cast<StringAttr>(a).getValue().str());
      std::string key = kind + " over " + llvm::join(axes, ",");
      auto [c, first] = collectives.try_emplace(key, std::array<uint64_t, 2>{});
      if (first)
        collectiveOrder.push_back({kind, axes});
      c->second[0] += 1;
      for (Type t : op.getOperandTypes())
        c->second[1] += bytesOf(t);
      continue;
    }
    auto [it, inserted] = other.try_emplace(name, std::array<uint64_t, 3>{});
    if (inserted)
      otherOrder.push_back(name);
    it->second[0] += 1;
    it->second[1] += f;
    it->second[2] += b;
  }
  json::Array others;
  for (const std::string &name : otherOrder) {
    const auto &[count, f, b] = other[name];
    others.push_back(json::Object{
        {"op", name}, {"count", count}, {"flops", f}, {"bytes", b}});
  }
  json::Array collectiveReport;
  for (const auto &[kind, axes] : collectiveOrder) {
    std::string key = kind + " over " + llvm::join(axes, ",");
    json::Array axesJson;
    for (const std::string &a : axes)
      axesJson.push_back(a);
    collectiveReport.push_back(json::Object{{"kind", kind},
                                            {"axes", std::move(axesJson)},
                                            {"calls", collectives[key][0]},
                                            {"bytes", collectives[key][1]}});
  }
  auto kind = func->getAttrOfType<StringAttr>(attr::kKind);
  auto workspace = func->getAttrOfType<IntegerAttr>(attr::kWorkspace);
  return json::Object{
      {"name", func.getSymName().str()},
      {"kind", kind ? kind.getValue().str() : ""},
      {"flops", flops},
      {"bytes", bytes},
      {"intensity", intensity(flops, bytes)},
      {"workspace_bytes", workspace
                              ? json::Value(workspace.getValue().getZExtValue())
                              : json::Value(nullptr)},
      {"matmuls", std::move(matmuls)},
      {"regions", std::move(regions)},
      {"other", std::move(others)},
      {"collectives", std::move(collectiveReport)}};
}

/// The whole tensor a state argument holds a piece of (its mlc.shard), or
/// its own type.
RankedTensorType wholeType(func::FuncOp func, const ModelArg &arg) {
  if (auto shard = func.getArgAttrOfType<ShardAttr>(arg.index, attr::kShard))
    return RankedTensorType::get(shard.getShape(), arg.type.getElementType());
  return arg.type;
}

/// ZeRO's memory per rank (docs/analysis.md): the stage read off the train
/// step (sharded parameters: 3; reduce-scattered gradients: 2; sharded
/// optimizer state: 1), the elements of the trained parameters, whole (P)
/// and per rank (the sum of their chunks, ceil(numel / N) each), and per
/// rank the bytes of parameters, gradients and optimizer state, in the
/// mixed-precision accounting of the ZeRO paper (f16 parameters and
/// gradients, K bytes of fp32 state per parameter: the master copy and the
/// optimizer's moments) and as this fp32 executable holds them.
json::Object analyzeZero(ModuleOp module) {
  func::FuncOp train;
  for (auto func : module.getOps<func::FuncOp>())
    if (auto kind = func->getAttrOfType<StringAttr>(attr::kKind))
      if (kind.getValue() == kTrainKind)
        train = func;
  MeshAttr mesh = getMesh(module);
  int64_t ranks = 1;
  if (mesh)
    if (std::optional<unsigned> dp = mesh.axisIndex("dp"))
      ranks = mesh.getSizes()[*dp];
  json::Object report{{"ranks", ranks}};
  FailureOr<ModelSignature> sig =
      train ? getModelSignature(train) : FailureOr<ModelSignature>(failure());
  if (failed(sig))
    return report;
  int64_t stage = 0;
  bool shardedState = false, shardedParams = false;
  for (const ModelArg &arg : sig->args) {
    bool sharded = static_cast<bool>(train.getArgAttr(arg.index, attr::kShard));
    shardedParams |= sharded && arg.kind == ModelArg::Kind::Param;
    shardedState |= sharded && arg.kind == ModelArg::Kind::State;
  }
  bool scattered = !train.getBody().front().getOps<ReduceScatterOp>().empty();
  stage = shardedParams ? 3 : scattered ? 2 : shardedState ? 1 : 0;
  // Trained parameters (those with an update) and their state.
  llvm::StringSet<> updated;
  for (const ModelResult &r : sig->results)
    if (r.kind == ModelResult::Kind::Update)
      updated.insert(r.name);
  uint64_t whole = 0, perRank = 0, paramBytes = 0, stateBytes = 0;
  unsigned statesPerParam = 0;
  for (const ModelArg &arg : sig->args) {
    if (arg.kind == ModelArg::Kind::Param) {
      paramBytes += bytesOf(arg.type);
      if (arg.frozen || !updated.contains(arg.name))
        continue;
      auto numel = static_cast<uint64_t>(wholeType(train, arg).getNumElements());
      whole += numel;
      perRank += (numel + ranks - 1) / ranks;
    } else if (arg.kind == ModelArg::Kind::State && !arg.counter &&
               !arg.accumulator) {
      stateBytes += bytesOf(arg.type);
      ++statesPerParam;
    }
  }
  uint64_t trained = 0;
  for (const ModelArg &arg : sig->args)
    trained += arg.kind == ModelArg::Kind::Param && !arg.frozen &&
               updated.contains(arg.name);
  statesPerParam = trained ? statesPerParam / static_cast<unsigned>(trained)
                           : 0;
  // K: bytes of fp32 state per parameter, the master copy and the moments.
  uint64_t k = 4 + 4 * static_cast<uint64_t>(statesPerParam);
  uint64_t params16 = 2 * (stage >= 3 ? perRank : whole);
  uint64_t grads16 = 2 * (stage >= 2 ? perRank : whole);
  uint64_t state16 = k * (stage >= 1 ? perRank : whole);
  report["stage"] = stage;
  report["trained_elements"] = whole;
  report["elements_per_rank"] = perRank;
  report["optimizer_bytes_per_element"] = k;
  report["mixed_precision"] =
      json::Object{{"parameter_bytes", params16},
                   {"gradient_bytes", grads16},
                   {"optimizer_state_bytes", state16},
                   {"total_bytes", params16 + grads16 + state16}};
  report["fp32"] = json::Object{
      {"parameter_bytes", paramBytes},
      {"gradient_bytes", 4 * (stage >= 2 ? perRank : whole)},
      {"optimizer_state_bytes", stateBytes}};
  return report;
}

/// Parameters and optimizer state once each (functions share them by
/// name), and a gradient per trained parameter.
json::Object analyzeMemory(ModuleOp module) {
  llvm::StringMap<uint64_t> params, trained, states;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func->hasAttr(attr::kKind))
      continue;
    FailureOr<ModelSignature> sig = getModelSignature(func);
    if (failed(sig))
      continue;
    for (const ModelArg &arg : sig->args) {
      uint64_t b = bytesOf(arg.type);
      if (arg.kind == ModelArg::Kind::Param) {
        params[arg.name] = b;
        if (!arg.frozen)
          trained[arg.name] = b;
      } else if (arg.kind == ModelArg::Kind::State && !arg.accumulator) {
        states[arg.name] = b;
      }
    }
  }
  auto sum = [](const llvm::StringMap<uint64_t> &m) {
    uint64_t total = 0;
    for (const auto &entry : m)
      total += entry.getValue();
    return total;
  };
  json::Object arenas;
  uint64_t planned = 0;
  if (auto sizes = module->getAttrOfType<DictionaryAttr>(attr::kArenas))
    for (NamedAttribute a : sizes)
      if (auto size = dyn_cast<IntegerAttr>(a.getValue())) {
        arenas[a.getName().getValue()] = size.getValue().getZExtValue();
        planned += size.getValue().getZExtValue();
      }
  return json::Object{
      {"parameters", static_cast<int64_t>(params.size())},
      {"parameter_bytes", sum(params)},
      {"trained_parameters", static_cast<int64_t>(trained.size())},
      {"gradient_bytes", sum(trained)},
      {"optimizer_states", static_cast<int64_t>(states.size())},
      {"optimizer_state_bytes", sum(states)},
      {"arenas", std::move(arenas)},
      {"planned_bytes", planned},
      {"zero", analyzeZero(module)}};
}

std::string human(double bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return llvm::formatv(u ? "{0:f2} {1}" : "{0:f0} {1}", bytes, units[u]).str();
}

uint64_t u64(const json::Object &o, llvm::StringRef key) {
  if (std::optional<int64_t> v = o.getInteger(key))
    return static_cast<uint64_t>(*v);
  return 0;
}

/// The entry points and memory of one program (a module, or one stage of
/// a pipeline).
json::Object analyzeProgram(ModuleOp module) {
  json::Array entries;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(attr::kKind))
      entries.push_back(analyzeEntry(func));
  return json::Object{{"entry_points", std::move(entries)},
                      {"memory", analyzeMemory(module)}};
}

void renderProgram(const json::Object &root, llvm::raw_ostream &os);

} // namespace

json::Value analyzeModule(ModuleOp module) {
  auto pipeline = module->getAttrOfType<DictionaryAttr>(attr::kPipeline);
  if (!pipeline)
    return analyzeProgram(module);
  // A pipeline: each stage is a program of its own, run by the ranks of
  // its pp coordinate.
  json::Array stages;
  for (auto stage : module.getOps<ModuleOp>()) {
    json::Object program = analyzeProgram(stage);
    program["stage"] = stage->getAttrOfType<IntegerAttr>(attr::kStage).getInt();
    stages.push_back(std::move(program));
  }
  int64_t k = pipeline.getAs<IntegerAttr>("stages").getInt();
  int64_t m = pipeline.getAs<IntegerAttr>("micro_batches").getInt();
  return json::Object{
      {"pipeline",
       json::Object{
           {"stages", k},
           {"micro_batches", m},
           {"schedule", pipeline.getAs<StringAttr>("schedule").getValue()},
           {"bubble_fraction",
            static_cast<double>(k - 1) / static_cast<double>(m + k - 1)}}},
      {"stages", std::move(stages)}};
}

std::string renderAnalysis(const json::Value &report) {
  std::string s;
  llvm::raw_string_ostream os(s);
  const json::Object &root = *report.getAsObject();
  const json::Object *pipeline = root.getObject("pipeline");
  if (!pipeline) {
    renderProgram(root, os);
    return s;
  }
  os << "pipeline: " << u64(*pipeline, "stages") << " stages, "
     << u64(*pipeline, "micro_batches") << " micro-batches, schedule "
     << *pipeline->getString("schedule") << ", bubble "
     << llvm::formatv("{0:f3}", *pipeline->getNumber("bubble_fraction"))
     << " of a step ((K-1)/(M+K-1))\n";
  for (const json::Value &stage : *root.getArray("stages")) {
    const json::Object &program = *stage.getAsObject();
    os << "stage " << u64(program, "stage") << ":\n";
    renderProgram(program, os);
  }
  return s;
}

namespace {

void renderProgram(const json::Object &root, llvm::raw_ostream &os) {
  for (const json::Value &e : *root.getArray("entry_points")) {
    const json::Object &entry = *e.getAsObject();
    os << "entry " << *entry.getString("name") << " ("
       << *entry.getString("kind") << "): " << u64(entry, "flops") << " FLOPs, "
       << human(u64(entry, "bytes")) << " read and written, "
       << llvm::formatv("{0:f2}", *entry.getNumber("intensity"))
       << " FLOPs/byte";
    if (std::optional<int64_t> w = entry.getInteger("workspace_bytes"))
      os << "; workspace peak " << human(*w);
    os << "\n";
    const json::Array &matmuls = *entry.getArray("matmuls");
    uint64_t mmFlops = 0, mmBytes = 0;
    for (const json::Value &m : matmuls) {
      mmFlops += u64(*m.getAsObject(), "flops");
      mmBytes += u64(*m.getAsObject(), "bytes");
    }
    os << "  matmuls (" << matmuls.size() << "): " << mmFlops << " FLOPs, "
       << human(mmBytes) << ", "
       << llvm::formatv("{0:f2}", intensity(mmFlops, mmBytes))
       << " FLOPs/byte\n";
    for (const json::Value &m : matmuls) {
      const json::Object &mm = *m.getAsObject();
      os << "    " << *mm.getString("lhs")
         << (*mm.getBoolean("transpose_lhs") ? "^T" : "") << " x "
         << *mm.getString("rhs")
         << (*mm.getBoolean("transpose_rhs") ? "^T" : "") << " -> "
         << *mm.getString("result") << ": " << u64(mm, "flops") << " FLOPs, "
         << human(u64(mm, "bytes")) << ", "
         << llvm::formatv("{0:f2}", *mm.getNumber("intensity"))
         << " FLOPs/byte\n";
    }
    const json::Array &regions = *entry.getArray("regions");
    os << "  kernel regions (" << regions.size() << ")\n";
    for (const json::Value &r : regions) {
      const json::Object &region = *r.getAsObject();
      const json::Array &ops = *region.getArray("ops");
      os << "    " << *region.getString("kind") << " "
         << *region.getString("shape") << ", " << ops.size()
         << " ops: " << u64(region, "flops") << " FLOPs, "
         << human(u64(region, "bytes")) << ", "
         << llvm::formatv("{0:f2}", *region.getNumber("intensity"))
         << " FLOPs/byte\n";
    }
    os << "  other kernels\n";
    for (const json::Value &o : *entry.getArray("other")) {
      const json::Object &k = *o.getAsObject();
      os << "    " << *k.getString("op") << " x" << u64(k, "count") << ": "
         << u64(k, "flops") << " FLOPs, " << human(u64(k, "bytes")) << "\n";
    }
    const json::Array &collectives = *entry.getArray("collectives");
    if (!collectives.empty()) {
      os << "  collectives of each rank (bytes handed over)\n";
      for (const json::Value &c : collectives) {
        const json::Object &k = *c.getAsObject();
        std::vector<std::string> axes;
        for (const json::Value &a : *k.getArray("axes"))
          axes.push_back(a.getAsString()->str());
        os << "    " << *k.getString("kind") << " over "
           << llvm::join(axes, ",") << " x" << u64(k, "calls") << ": "
           << u64(k, "bytes") << " bytes\n";
      }
    }
  }
  const json::Object &memory = *root.getObject("memory");
  os << "memory: parameters " << u64(memory, "parameters") << ", "
     << human(u64(memory, "parameter_bytes")) << " (trained "
     << u64(memory, "trained_parameters") << "); gradients "
     << human(u64(memory, "gradient_bytes")) << "; optimizer state "
     << u64(memory, "optimizer_states") << ", "
     << human(u64(memory, "optimizer_state_bytes"));
  if (u64(memory, "planned_bytes"))
    os << "; planned " << human(u64(memory, "planned_bytes"));
  os << "\n";
  const json::Object &zero = *memory.getObject("zero");
  if (const json::Object *mixed = zero.getObject("mixed_precision")) {
    const json::Object &fp32 = *zero.getObject("fp32");
    os << "per rank with ZeRO stage " << u64(zero, "stage") << " over dp="
       << u64(zero, "ranks") << " (" << u64(zero, "trained_elements")
       << " trained elements, " << u64(zero, "elements_per_rank")
       << " per rank): mixed precision (K = "
       << u64(zero, "optimizer_bytes_per_element") << ") parameters "
       << human(u64(*mixed, "parameter_bytes")) << ", gradients "
       << human(u64(*mixed, "gradient_bytes")) << ", optimizer state "
       << human(u64(*mixed, "optimizer_state_bytes")) << ", total "
       << human(u64(*mixed, "total_bytes")) << "; fp32 parameters "
       << human(u64(fp32, "parameter_bytes")) << ", gradients "
       << human(u64(fp32, "gradient_bytes")) << ", optimizer state "
       << human(u64(fp32, "optimizer_state_bytes")) << "\n";
  }
}

} // namespace

} // namespace mlc
