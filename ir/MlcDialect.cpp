// The mlc dialect: registration, constant materialization and the
// verification of the model annotations on function arguments and results.
#include "ir/MlcDialect.h"
#include "ir/Broadcast.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
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
                                              attr::kState};

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
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getRank() != 2 ||
      !(tensor.getElementType().isInteger(32) ||
        tensor.getElementType().isInteger(64)))
    return fail() << "needs an i32 or i64 [B, T] input (B windows of T "
                     "tokens), found "
                  << type;
  return success();
}

/// `mlc.vocab = V` (1 <= V <= 2^31) beside mlc.shift.
LogicalResult verifyVocab(Operation *op, unsigned argIndex, Attribute value,
                          DictionaryAttr all) {
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
  if (!all.get(attr::kShift))
    return fail() << "needs 'mlc.shift' beside it (it bounds the ids of a "
                     "token window)";
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
    return verifyVocab(op, argIndex, attribute.getValue(), all);
  return op->emitError() << "unknown mlc argument attribute '" << key
                         << "' on argument #" << argIndex
                         << " (expected mlc.input, mlc.param, mlc.state, "
                            "mlc.init, mlc.frozen, mlc.decay, mlc.counter, "
                            "mlc.accumulator, mlc.shift or mlc.vocab)";
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
    return op->emitError() << "'mlc.kind' must be \"" << kTrainKind << "\", \""
                           << kEvalKind << "\", \"" << kAccumulateKind
                           << "\" or \"" << kApplyKind << "\", found "
                           << attribute.getValue();
  }
  if (key == attr::kTransformer && isa<ModuleOp>(op))
    return verifyTransformerConfig(op, attribute.getValue());
  if (key == attr::kMicroBatches && onFunction)
    return verifyMicroBatches(op, attribute.getValue());
  return op->emitError() << "unknown mlc attribute '" << key
                         << "' on an operation (functions take mlc.kind and "
                            "mlc.optimizer, both strings, and "
                            "mlc.micro_batches; modules take mlc.transformer)";
}

LogicalResult MlcDialect::verifyRegionResultAttribute(
    Operation *op, unsigned, unsigned resultIndex, NamedAttribute attribute) {
  StringRef key = attribute.getName().getValue();
  if (key != attr::kOutput && key != attr::kUpdate)
    return op->emitError() << "unknown mlc result attribute '" << key
                           << "' on result #" << resultIndex
                           << " (expected mlc.output or mlc.update)";
  return verifyName(op, resultIndex, attribute, "result");
}
