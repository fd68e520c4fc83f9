// The mlc dialect: registration, constant materialization and the
// verification of the model annotations on function arguments and results.
#include "ir/MlcDialect.h"
#include "ir/Broadcast.h"
#include "ir/Cost.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/Support/ConvertUTF.h"

#include <limits>
#include <optional>

using namespace mlir;
using namespace mlc;

#include "ir/MlcDialect.cpp.inc"

namespace {

/// mlc ops are pure tensor computations without regions: any of them may
/// be inlined, so that model files can call block functions (one per
/// transformer block) and `mlc compile` inlines them before autodiff.
struct MlcInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;

  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};

} // namespace

void MlcDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/MlcOps.cpp.inc"
      >();
  registerAttributes();
  addInterfaces<MlcInlinerInterface>();
  // The kernel-region ops get their cost and their absence of a gradient
  // from the files that define those concerns for every op.
  attachCostModels(*getContext());
  attachNoGradientModels(*getContext());
}

Operation *MlcDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}

namespace {

/// Kinds of argument annotation; an argument carries exactly one.
constexpr llvm::StringLiteral kRoleAttrs[] = {attr::kInput, attr::kParam,
                                              attr::kState, attr::kCache};

/// Why `name` cannot name a tensor in the files mlc writes (safetensors
/// headers, JSON and CSV metrics, logs), or an empty string if it can.
std::string checkTensorName(StringRef name) {
  if (name.empty())
    return "must not be empty";
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(name.data());
  if (!llvm::isLegalUTF8String(&begin, begin + name.size()))
    return "must be valid UTF-8";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return "must not contain control characters";
  if (name == "__metadata__")
    return "must not be '__metadata__', which safetensors files reserve";
  return "";
}

LogicalResult verifyName(Operation *op, unsigned index,
                         NamedAttribute attribute, llvm::StringRef what) {
  auto name = dyn_cast<StringAttr>(attribute.getValue());
  if (!name || name.getValue().empty())
    return op->emitError() << "'" << attribute.getName().getValue() << "' on "
                           << what << " #" << index
                           << " must be a non-empty string name, found "
                           << attribute.getValue();
  std::string problem = checkTensorName(name.getValue());
  if (!problem.empty())
    return op->emitError() << "'" << attribute.getName().getValue() << "' on "
                           << what << " #" << index << " " << problem;
  return success();
}

/// The value of an integer attribute (not a boolean), or nothing.
std::optional<int64_t> integerValue(Attribute value) {
  auto integer = dyn_cast<IntegerAttr>(value);
  if (!integer || !isa<IntegerType>(integer.getType()) ||
      integer.getType().isInteger(1))
    return std::nullopt;
  if (!integer.getValue().isSignedIntN(64)) // out of every range checked
    return std::numeric_limits<int64_t>::max();
  return integer.getValue().getSExtValue();
}

/// Largest mlc.shift: keeps start + shift + T far from overflow.
constexpr int64_t kMaxShift = int64_t(1) << 40;
/// Largest mlc.vocab: token files hold i32 ids.
constexpr int64_t kMaxVocab = int64_t(1) << 31;

/// Whether `type` is an i32 or i64 [B, T] tensor, as token ids are.
bool isTokenMatrix(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 2 &&
         (tensor.getElementType().isInteger(32) ||
          tensor.getElementType().isInteger(64));
}

/// `mlc.shift = K` (0 <= K < 2^40) beside mlc.input and mlc.vocab, on an
/// integer [B, T] tensor: a batch of token windows.
LogicalResult verifyShift(Operation *op, unsigned argIndex, Attribute value,
                          Type type, DictionaryAttr all) {
  auto fail = [&]() {
    return op->emitError() << "'mlc.shift' on argument #" << argIndex << " ";
  };
  std::optional<int64_t> shift = integerValue(value);
  if (!shift)
    return fail() << "must be an integer, found " << value;
  if (*shift < 0 || *shift >= kMaxShift)
    return fail() << "must be at least 0 and below 2^40, found " << *shift;
  if (!all.get(attr::kInput))
    return fail() << "needs 'mlc.input' beside it (a token window is an "
                     "input)";
  if (!all.get(attr::kVocab))
    return fail() << "needs 'mlc.vocab = V' beside it (the bound of the "
                     "token ids)";
  if (!isTokenMatrix(type))
    return fail() << "needs an i32 or i64 [B, T] input (B windows of T "
                     "tokens), found "
                  << type;
  return success();
}

/// `mlc.vocab = V` (1 <= V <= 2^31) beside mlc.shift, or on the integer
/// [B, T] token input of a prefill or decode function.
LogicalResult verifyVocab(Operation *op, unsigned argIndex, Attribute value,
                          Type type, DictionaryAttr all) {
  auto fail = [&]() {
    return op->emitError() << "'mlc.vocab' on argument #" << argIndex << " ";
  };
  std::optional<int64_t> vocab = integerValue(value);
  if (!vocab)
    return fail() << "must be an integer, found " << value;
  if (*vocab < 1 || *vocab > kMaxVocab)
    return fail() << "must be at least 1 and at most 2^31 (token files hold "
                     "i32 ids), found "
                  << *vocab;
  if (all.get(attr::kShift))
    return success();
  if (!isInferenceKind(op))
    return fail() << "needs 'mlc.shift' beside it (it bounds the ids of a "
                     "token window), or a function of mlc.kind \""
                  << kPrefillKind << "\" or \"" << kDecodeKind << "\"";
  if (!all.get(attr::kInput))
    return fail() << "needs 'mlc.input' beside it (the token ids are an "
                     "input)";
  if (!isTokenMatrix(type))
    return fail() << "needs an i32 or i64 [B, T] input of token ids, found "
                  << type;
  return success();
}

/// Whether argument `i` of `func` carries attribute `key`.
bool argHas(FunctionOpInterface func, unsigned i, StringRef key) {
  DictionaryAttr d = func.getArgAttrDict(i);
  return d && d.get(key);
}

/// `mlc.cache = "name"` on a float tensor argument of a prefill or decode
/// function with a result `mlc.update = "name"`.
LogicalResult verifyCache(FunctionOpInterface func, unsigned argIndex,
                          StringRef name) {
  auto fail = [&]() {
    return func->emitError()
           << "cache '" << name << "' (argument #" << argIndex << ") ";
  };
  if (!isInferenceKind(func))
    return fail() << "is only valid in a function of mlc.kind \""
                  << kPrefillKind << "\" or \"" << kDecodeKind << "\"";
  auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[argIndex]);
  if (!type || !isa<FloatType>(type.getElementType()))
    return fail() << "must be a float tensor, found "
                  << func.getArgumentTypes()[argIndex];
  for (unsigned r = 0, e = func.getNumResults(); r < e; ++r) {
    DictionaryAttr d = func.getResultAttrDict(r);
    auto update = d ? d.getAs<StringAttr>(attr::kUpdate) : StringAttr();
    if (update && update.getValue() == name)
      return success();
  }
  return fail() << "has no result with mlc.update = \"" << name
                << "\" (its new value)";
}

/// `mlc.position` (unit) on the one i32/i64 scalar input of a prefill or
/// decode function.
LogicalResult verifyPosition(FunctionOpInterface func, unsigned argIndex,
                             Attribute value) {
  auto fail = [&]() {
    return func->emitError()
           << "'mlc.position' on argument #" << argIndex << " ";
  };
  if (!isa<UnitAttr>(value))
    return fail() << "takes no value";
  if (!isInferenceKind(func))
    return fail() << "is only valid in a function of mlc.kind \""
                  << kPrefillKind << "\" or \"" << kDecodeKind << "\"";
  if (!argHas(func, argIndex, attr::kInput))
    return fail() << "needs 'mlc.input' beside it (the position is an input)";
  auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[argIndex]);
  if (!type || type.getRank() != 0 ||
      !(type.getElementType().isInteger(32) ||
        type.getElementType().isInteger(64)))
    return fail() << "needs an i32 or i64 scalar (tensor<i64>), found "
                  << func.getArgumentTypes()[argIndex];
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (i != argIndex && argHas(func, i, attr::kPosition))
      return fail() << "and argument #" << i
                    << " both hold the position; a function has one";
  return success();
}

/// What a prefill or decode function promises: one position input, one
/// integer [B, T] token input with mlc.vocab = V, and the logits
/// [B, T, V] (float) as its first result.
LogicalResult verifyInferenceFunction(FunctionOpInterface func) {
  StringRef kind = func->getAttrOfType<StringAttr>(attr::kKind).getValue();
  auto fail = [&]() {
    return func->emitError()
           << "@" << SymbolTable::getSymbolName(func).getValue()
           << " (mlc.kind = \"" << kind << "\") ";
  };
  std::optional<unsigned> tokens, position;
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
    if (argHas(func, i, attr::kPosition) && !argHas(func, i, attr::kInput))
      return success(); // the argument's own verifier says what is wrong
    if (!argHas(func, i, attr::kInput))
      continue;
    if (argHas(func, i, attr::kPosition)) {
      position = i;
      continue;
    }
    if (!argHas(func, i, attr::kVocab))
      return fail() << "takes input argument #" << i
                    << " without 'mlc.vocab'; the inputs of inference are "
                       "token ids [B, T] with mlc.vocab = V and the "
                       "position";
    if (tokens)
      return fail() << "takes two token inputs, arguments #" << *tokens
                    << " and #" << i << "; it takes one";
    tokens = i;
  }
  if (!tokens)
    return fail() << "needs a token input (mlc.input with mlc.vocab = V, "
                     "an integer [B, T] tensor)";
  if (!position)
    return fail() << "needs a position input (mlc.input with mlc.position, "
                     "an integer scalar)";
  auto tokenType = dyn_cast<RankedTensorType>(func.getArgumentTypes()[*tokens]);
  std::optional<int64_t> vocab =
      integerValue(func.getArgAttrDict(*tokens).get(attr::kVocab));
  if (!tokenType || tokenType.getRank() != 2 || !vocab)
    return success(); // the argument's own verifier says what is wrong
  SmallVector<int64_t> expected = {tokenType.getDimSize(0),
                                   tokenType.getDimSize(1), *vocab};
  if (func.getNumResults() == 0)
    return fail() << "must return the logits first, found no results";
  auto logits = dyn_cast<RankedTensorType>(func.getResultTypes()[0]);
  DictionaryAttr resultAttrs = func.getResultAttrDict(0);
  if (resultAttrs && resultAttrs.get(attr::kUpdate))
    return fail() << "must return the logits first, found the update of '"
                  << resultAttrs.get(attr::kUpdate) << "'";
  if (!logits || !isa<FloatType>(logits.getElementType()) ||
      logits.getShape() != ArrayRef<int64_t>(expected))
    return fail() << "must return the logits first, a float tensor of shape ["
                  << expected[0] << ", " << expected[1] << ", " << expected[2]
                  << "] ([B, T] of the tokens, mlc.vocab), found "
                  << func.getResultTypes()[0];
  return success();
}

} // namespace

/// Gradient accumulation's entry-point kinds.
static bool isAccumulationKind(StringRef kind) {
  return kind == kAccumulateKind || kind == kApplyKind;
}

/// mlc.micro_batches on an apply function: an integer of at least 2.
static LogicalResult verifyMicroBatches(Operation *op, Attribute value) {
  auto count = dyn_cast<IntegerAttr>(value);
  if (!count || count.getType().isInteger(1) || count.getInt() < 2)
    return op->emitError() << "'" << attr::kMicroBatches
                           << "' must be an integer of at least 2, found "
                           << value;
  return success();
}

/// mlc.accumulator: a unit attribute beside mlc.state.
static LogicalResult verifyAccumulator(Operation *op, unsigned argIndex,
                                       Attribute value, DictionaryAttr all) {
  if (!isa<UnitAttr>(value))
    return op->emitError() << "'" << attr::kAccumulator << "' on argument #"
                           << argIndex << " takes no value";
  if (!all || !all.get(attr::kState))
    return op->emitError() << "'" << attr::kAccumulator << "' on argument #"
                           << argIndex << " needs 'mlc.state' beside it";
  return success();
}

/// mlc.slice on argument or result #index: an #mlc.slice.
static LogicalResult verifySlice(Operation *op, StringRef what, unsigned index,
                                 Attribute value) {
  if (!isa<SliceAttr>(value))
    return op->emitError() << "'" << attr::kSlice << "' on " << what << " #"
                           << index << " must be an #mlc.slice<...>, found "
                           << value;
  return success();
}

/// mlc.slices on an op: one #mlc.slice per result.
static LogicalResult verifySlices(Operation *op, Attribute value) {
  auto slices = dyn_cast<ArrayAttr>(value);
  if (!slices || !llvm::all_of(slices, llvm::IsaPred<SliceAttr>))
    return op->emitError() << "'" << attr::kSlices
                           << "' must be an array of #mlc.slice<...>, found "
                           << value;
  if (slices.size() != op->getNumResults())
    return op->emitError() << "'" << attr::kSlices << "' has " << slices.size()
                           << " slices for " << op->getNumResults()
                           << " results";
  return success();
}

/// mlc.batch_axes on a function: names of axes of the module's mesh, each
/// once.
static LogicalResult verifyBatchAxes(Operation *op, Attribute value) {
  auto axes = dyn_cast<ArrayAttr>(value);
  if (!axes || !llvm::all_of(axes, llvm::IsaPred<StringAttr>))
    return op->emitError() << "'" << attr::kBatchAxes
                           << "' must be an array of mesh axis names, found "
                           << value;
  MeshAttr mesh = getMesh(op);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    StringRef name = cast<StringAttr>(axis).getValue();
    if (!mesh || !mesh.axisIndex(name))
      return op->emitError()
             << "'" << attr::kBatchAxes << "' names axis '" << name
             << "', which the module's mesh does not have";
    for (size_t j = 0; j < i; ++j)
      if (axes[j] == axis)
        return op->emitError() << "'" << attr::kBatchAxes << "' names axis '"
                               << name << "' twice";
  }
  return success();
}

/// mlc.arenas on a module: the size of each arena the plan made, by kind.
static LogicalResult verifyArenas(Operation *op, Attribute value) {
  auto arenas = dyn_cast<DictionaryAttr>(value);
  if (!arenas)
    return op->emitError() << "'" << attr::kArenas
                           << "' must be a dictionary of arena sizes, found "
                           << value;
  for (NamedAttribute arena : arenas) {
    if (!symbolizeArenaKind(arena.getName().getValue()))
      return op->emitError()
             << "'" << attr::kArenas << "' names unknown arena '"
             << arena.getName().getValue()
             << "' (expected parameter, optimizer_state, step_counter, "
                "grad_accumulator, kv_cache, constant, io or workspace)";
    auto size = dyn_cast<IntegerAttr>(arena.getValue());
    if (!size || !size.getType().isInteger(64) || size.getInt() < 0)
      return op->emitError() << "'" << attr::kArenas << "' gives arena '"
                             << arena.getName().getValue()
                             << "' a size that is not a non-negative i64";
  }
  return success();
}

/// `mlc.shard` on a state argument: the argument's type is the piece the
/// shard takes from its whole shape over the module's mesh.
static LogicalResult verifyShard(FunctionOpInterface func, unsigned argIndex,
                                 Attribute value, DictionaryAttr all) {
  auto shard = dyn_cast<ShardAttr>(value);
  if (!shard)
    return func->emitError() << "'mlc.shard' on argument #" << argIndex
                             << " must be a #mlc.shard<...>, found " << value;
  if (!all.get(attr::kParam) && !all.get(attr::kState))
    return func->emitError() << "'mlc.shard' on argument #" << argIndex
                             << " needs 'mlc.param' or 'mlc.state' beside it";
  auto emit = [&] {
    return func->emitError() << "'mlc.shard' on argument #" << argIndex << ": ";
  };
  FailureOr<SmallVector<int64_t>> piece = shard.pieceShape(getMesh(func), emit);
  if (failed(piece))
    return failure();
  auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[argIndex]);
  if (!type)
    return emit() << "a shard is a piece of a tensor, but the argument is "
                  << func.getArgumentTypes()[argIndex];
  if (type.getShape() != ArrayRef<int64_t>(*piece))
    return emit() << "the piece of " << shard << " is " << type.clone(*piece)
                  << ", but the argument is " << type;
  return success();
}

LogicalResult MlcDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                   unsigned argIndex,
                                                   NamedAttribute attribute) {
  auto func = dyn_cast<FunctionOpInterface>(op);
  if (!func)
    return op->emitError() << "'" << attribute.getName().getValue()
                           << "' is only valid on function arguments";
  StringRef key = attribute.getName().getValue();
  DictionaryAttr all = func.getArgAttrDict(argIndex);
  auto has = [&](StringRef k) { return all && all.get(k); };

  if (llvm::is_contained(kRoleAttrs, key)) {
    if (failed(verifyName(op, argIndex, attribute, "argument")))
      return failure();
    auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[argIndex]);
    if (type) {
      std::string problem = checkTensorSize(type);
      if (!problem.empty())
        return op->emitError()
               << "argument #" << argIndex << " (" << type << ") " << problem;
    }
    if (key == attr::kCache &&
        failed(verifyCache(func, argIndex,
                           cast<StringAttr>(attribute.getValue()).getValue())))
      return failure();
    if (key == attr::kParam && !has(attr::kFrozen) && type &&
        !isa<FloatType>(type.getElementType()))
      return op->emitError()
             << "parameter '"
             << cast<StringAttr>(attribute.getValue()).getValue()
             << "' (argument #" << argIndex << ") has element type "
             << type.getElementType()
             << " and cannot be trained; mark it mlc.frozen";
    for (StringRef other : kRoleAttrs)
      if (other != key && has(other))
        return op->emitError()
               << "argument #" << argIndex << " is marked both '" << key
               << "' and '" << other << "'";
    return success();
  }
  if (key == attr::kInit) {
    if (!isa<InitAttr>(attribute.getValue()))
      return op->emitError()
             << "'mlc.init' on argument #" << argIndex
             << " must be an #mlc.init<...>, found " << attribute.getValue();
    if (!has(attr::kParam) && !has(attr::kState))
      return op->emitError() << "'mlc.init' on argument #" << argIndex
                             << " needs 'mlc.param' or 'mlc.state' beside it";
    return success();
  }
  if (key == attr::kFrozen) {
    if (!isa<UnitAttr>(attribute.getValue()))
      return op->emitError()
             << "'mlc.frozen' on argument #" << argIndex << " takes no value";
    if (!has(attr::kParam))
      return op->emitError() << "'mlc.frozen' on argument #" << argIndex
                             << " needs 'mlc.param' beside it";
    return success();
  }
  if (key == attr::kDecay) {
    if (!isa<BoolAttr>(attribute.getValue()))
      return op->emitError()
             << "'mlc.decay' on argument #" << argIndex
             << " must be true or false, found " << attribute.getValue();
    if (!has(attr::kParam))
      return op->emitError() << "'mlc.decay' on argument #" << argIndex
                             << " needs 'mlc.param' beside it";
    return success();
  }
  if (key == attr::kCounter) {
    auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[argIndex]);
    if (!isa<UnitAttr>(attribute.getValue()))
      return op->emitError()
             << "'mlc.counter' on argument #" << argIndex << " takes no value";
    if (!has(attr::kState))
      return op->emitError() << "'mlc.counter' on argument #" << argIndex
                             << " needs 'mlc.state' beside it";
    if (!type || type.getRank() != 0 || !type.getElementType().isInteger(64))
      return op->emitError() << "'mlc.counter' on argument #" << argIndex
                             << " needs a tensor<i64> step counter, found "
                             << func.getArgumentTypes()[argIndex];
    return success();
  }
  if (key == attr::kAccumulator)
    return verifyAccumulator(op, argIndex, attribute.getValue(), all);
  if (key == attr::kShift)
    return verifyShift(op, argIndex, attribute.getValue(),
                       func.getArgumentTypes()[argIndex], all);
  if (key == attr::kVocab)
    return verifyVocab(op, argIndex, attribute.getValue(),
                       func.getArgumentTypes()[argIndex], all);
  if (key == attr::kPosition)
    return verifyPosition(func, argIndex, attribute.getValue());
  if (key == attr::kSlice)
    return verifySlice(op, "argument", argIndex, attribute.getValue());
  if (key == attr::kShard)
    return verifyShard(func, argIndex, attribute.getValue(), all);
  return op->emitError() << "unknown mlc argument attribute '" << key
                         << "' on argument #" << argIndex
                         << " (expected mlc.input, mlc.param, mlc.state, "
                            "mlc.cache, mlc.init, mlc.frozen, mlc.decay, "
                            "mlc.counter, mlc.accumulator, mlc.shift, "
                            "mlc.vocab, mlc.position, mlc.slice or mlc.shard)";
}

/// `mlc.transformer` on a module: the configuration a generated or imported
/// transformer was written from, read back by `mlc export-hf`.
LogicalResult verifyTransformerConfig(Operation *op, Attribute value) {
  auto dict = dyn_cast<DictionaryAttr>(value);
  if (!dict)
    return op->emitError() << "'mlc.transformer' must be a dictionary, found "
                           << value;
  auto family = dict.getAs<StringAttr>("family");
  if (!family || (family.getValue() != "gpt2" && family.getValue() != "llama"))
    return op->emitError()
           << "'mlc.transformer' needs family = \"gpt2\" or \"llama\"";
  for (StringRef key : {"layers", "heads", "kv_heads", "dim", "ffn_dim",
                        "vocab", "context"}) {
    auto size = dict.getAs<IntegerAttr>(key);
    if (!size || !size.getType().isInteger(64) || size.getInt() <= 0)
      return op->emitError() << "'mlc.transformer' needs " << key
                             << " as a positive i64";
  }
  for (StringRef key : {"norm_eps", "rope_theta"})
    if (!dict.getAs<FloatAttr>(key))
      return op->emitError()
             << "'mlc.transformer' needs " << key << " as a float";
  if (!dict.getAs<BoolAttr>("tie_embeddings"))
    return op->emitError()
           << "'mlc.transformer' needs tie_embeddings as a bool";
  return success();
}

namespace {

/// mlc.pipeline on a module: {stages = K, micro_batches = M, schedule =
/// "gpipe" | "1f1b"}, K >= 2 and M >= 1.
LogicalResult verifyPipeline(Operation *op, Attribute value) {
  auto fail =
      [&]() {
        return op->emitError()
               << "'" << attr::kPipeline
               << "' must be {stages = K (>= 2), micro_batches = M (>= 1), "
                  "schedule = \"gpipe\" or \"1f1b\"}, found "
               << value;
      };
  auto dict = dyn_cast<DictionaryAttr>(value);
  if (!dict || dict.size() != 3)
    return fail();
  auto stages = dict.getAs<IntegerAttr>("stages");
  auto micro = dict.getAs<IntegerAttr>("micro_batches");
  auto schedule = dict.getAs<StringAttr>("schedule");
  if (!stages || !micro || !schedule || stages.getInt() < 2 ||
      micro.getInt() < 1 ||
      (schedule.getValue() != "gpipe" && schedule.getValue() != "1f1b"))
    return fail();
  return success();
}

} // namespace

LogicalResult MlcDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  StringRef key = attribute.getName().getValue();
  bool onFunction = isa<FunctionOpInterface>(op);
  auto value = dyn_cast<StringAttr>(attribute.getValue());
  if (key == attr::kOptimizer && onFunction && value)
    return success();
  if (key == attr::kKind && onFunction) {
    if (value &&
        (value.getValue() == kTrainKind || value.getValue() == kEvalKind ||
         isAccumulationKind(value.getValue())))
      return success();
    if (value &&
        (value.getValue() == kPrefillKind || value.getValue() == kDecodeKind))
      return verifyInferenceFunction(cast<FunctionOpInterface>(op));
    return op->emitError() << "'mlc.kind' must be \"" << kTrainKind << "\", \""
                           << kEvalKind << "\", \"" << kAccumulateKind
                           << "\", \"" << kApplyKind << "\", \"" << kPrefillKind
                           << "\" or \"" << kDecodeKind << "\", found "
                           << attribute.getValue();
  }
  if (key == attr::kTransformer && isa<ModuleOp>(op))
    return verifyTransformerConfig(op, attribute.getValue());
  if (key == attr::kMesh && isa<ModuleOp>(op)) {
    if (isa<MeshAttr>(attribute.getValue()))
      return success();
    return op->emitError() << "'" << attr::kMesh
                           << "' must be a #mlc.mesh<...>, found "
                           << attribute.getValue();
  }
  if (key == attr::kBatchAxes && onFunction)
    return verifyBatchAxes(op, attribute.getValue());
  if (key == attr::kMicroBatches && onFunction)
    return verifyMicroBatches(op, attribute.getValue());
  if (key == attr::kSlices && !onFunction && !isa<ModuleOp>(op))
    return verifySlices(op, attribute.getValue());
  if (key == attr::kArenas && isa<ModuleOp>(op))
    return verifyArenas(op, attribute.getValue());
  if (key == attr::kWorkspace && onFunction) {
    auto peak = dyn_cast<IntegerAttr>(attribute.getValue());
    if (peak && peak.getType().isInteger(64) && peak.getInt() >= 0)
      return success();
    return op->emitError() << "'" << attr::kWorkspace
                           << "' must be a non-negative i64, found "
                           << attribute.getValue();
  }
  if ((key == attr::kStage || key == attr::kMicro) && !onFunction) {
    auto index = dyn_cast<IntegerAttr>(attribute.getValue());
    if (index && index.getType().isInteger(64) && index.getInt() >= 0)
      return success();
    return op->emitError() << "'" << key
                           << "' must be a non-negative i64, found "
                           << attribute.getValue();
  }
  if (key == attr::kBackward && !onFunction && !isa<ModuleOp>(op)) {
    if (isa<UnitAttr>(attribute.getValue()))
      return success();
    return op->emitError() << "'" << key << "' is a unit attribute";
  }
  if (key == attr::kPipeline && isa<ModuleOp>(op))
    return verifyPipeline(op, attribute.getValue());
  return op->emitError() << "unknown mlc attribute '" << key
                         << "' on an operation (functions take mlc.kind and "
                            "mlc.optimizer, both strings, mlc.micro_batches, "
                            "mlc.workspace and mlc.batch_axes; modules take "
                            "mlc.transformer, mlc.arenas, mlc.mesh, "
                            "mlc.pipeline and mlc.stage; other ops "
                            "mlc.slices, mlc.stage, mlc.micro and "
                            "mlc.backward)";
}

LogicalResult MlcDialect::verifyRegionResultAttribute(
    Operation *op, unsigned, unsigned resultIndex, NamedAttribute attribute) {
  StringRef key = attribute.getName().getValue();
  if (key == attr::kSlice)
    return verifySlice(op, "result", resultIndex, attribute.getValue());
  if (key != attr::kOutput && key != attr::kUpdate)
    return op->emitError() << "unknown mlc result attribute '" << key
                           << "' on result #" << resultIndex
                           << " (expected mlc.output, mlc.update or "
                              "mlc.slice)";
  return verifyName(op, resultIndex, attribute, "result");
}
