// The model conventions: reading inputs, parameters, state and outputs off
// a func.func.
#include "ir/MlcModel.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace mlc {

llvm::SmallVector<const ModelArg *> ModelSignature::trainableParams() const {
  llvm::SmallVector<const ModelArg *> params;
  for (const ModelArg &arg : args)
    if (arg.kind == ModelArg::Kind::Param && !arg.frozen)
      params.push_back(&arg);
  return params;
}

bool isInferenceKind(Operation *func) {
  auto kind = func->getAttrOfType<StringAttr>(attr::kKind);
  return kind &&
         (kind.getValue() == kPrefillKind || kind.getValue() == kDecodeKind);
}

std::string defaultOutputName(unsigned resultIndex) {
  return resultIndex == 0 ? "loss" : "output" + std::to_string(resultIndex);
}

std::string ArgumentBuffers::name(func::FuncOp func, const ModelArg &arg) {
  bool input = arg.kind == ModelArg::Kind::Input;
  std::string name = input && isInferenceKind(func)
                         ? func.getSymName().str() + "." + arg.name
                         : arg.name;
  auto [it, inserted] = firstType_.try_emplace(name, arg.type);
  if (!inserted && input && it->second != arg.type) {
    name = func.getSymName().str() + ".in." + arg.name;
    firstType_.try_emplace(name, arg.type);
  }
  return name;
}

/// One data set feeds every input: all rows, or all token windows of one
/// vocabulary.
static LogicalResult checkInputKinds(func::FuncOp func,
                                     const ModelSignature &sig) {
  const ModelArg *firstRow = nullptr, *firstWindow = nullptr;
  for (const ModelArg &arg : sig.args) {
    if (arg.kind != ModelArg::Kind::Input)
      continue;
    const ModelArg *&first = arg.tokenWindow ? firstWindow : firstRow;
    if (!first)
      first = &arg;
    if (arg.tokenWindow && arg.vocab != firstWindow->vocab)
      return func.emitError()
             << "token-window inputs of @" << func.getSymName()
             << " disagree on the vocabulary: '" << firstWindow->name
             << "' has mlc.vocab = " << firstWindow->vocab << ", '" << arg.name
             << "' " << arg.vocab << " (they read one token stream)";
  }
  if (firstRow && firstWindow)
    return func.emitError()
           << "inputs of @" << func.getSymName()
           << " mix rows and token windows: '" << firstRow->name
           << "' is a row of the data set, '" << firstWindow->name
           << "' a token window (mlc.shift); a data set is one or the other";
  return success();
}

FailureOr<ModelSignature> getModelSignature(func::FuncOp func) {
  ModelSignature sig;
  llvm::StringMap<unsigned> argNames;
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
    auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[i]);
    if (!type || !type.hasStaticShape())
      return func.emitError() << "argument #" << i
                              << " must be a statically shaped tensor, found "
                              << func.getArgumentTypes()[i];
    ModelArg arg;
    arg.index = i;
    arg.type = type;
    StringAttr name;
    if (auto s = func.getArgAttrOfType<StringAttr>(i, attr::kInput)) {
      arg.kind = ModelArg::Kind::Input;
      name = s;
    } else if (auto s = func.getArgAttrOfType<StringAttr>(i, attr::kParam)) {
      arg.kind = ModelArg::Kind::Param;
      name = s;
    } else if (auto s = func.getArgAttrOfType<StringAttr>(i, attr::kState)) {
      arg.kind = ModelArg::Kind::State;
      name = s;
    } else if (auto s = func.getArgAttrOfType<StringAttr>(i, attr::kCache)) {
      arg.kind = ModelArg::Kind::Cache;
      name = s;
    } else {
      return func.emitError()
             << "argument #" << i << " of @" << func.getSymName()
             << " is neither an input (mlc.input = \"name\"), a parameter "
                "(mlc.param = \"name\"), optimizer state (mlc.state) nor a "
                "KV cache (mlc.cache)";
    }
    arg.name = name.str();
    arg.init = func.getArgAttrOfType<InitAttr>(i, attr::kInit);
    arg.frozen = func.getArgAttr(i, attr::kFrozen) != nullptr;
    arg.counter = func.getArgAttr(i, attr::kCounter) != nullptr;
    arg.accumulator = func.getArgAttr(i, attr::kAccumulator) != nullptr;
    arg.position = func.getArgAttr(i, attr::kPosition) != nullptr;
    auto shift = func.getArgAttrOfType<IntegerAttr>(i, attr::kShift);
    auto vocab = func.getArgAttrOfType<IntegerAttr>(i, attr::kVocab);
    if (vocab)
      arg.vocab = vocab.getValue().getZExtValue();
    if (shift && vocab) {
      arg.tokenWindow = true;
      arg.shift = shift.getValue().getZExtValue();
    }
    auto [it, inserted] = argNames.try_emplace(arg.name, i);
    if (!inserted)
      return func.emitError() << "argument #" << i << " reuses the name '"
                              << arg.name << "' of argument #" << it->second;
    sig.args.push_back(std::move(arg));
  }

  if (failed(checkInputKinds(func, sig)))
    return failure();

  llvm::StringSet<> outputNames, updateNames;
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i) {
    auto type = dyn_cast<RankedTensorType>(func.getResultTypes()[i]);
    if (!type || !type.hasStaticShape())
      return func.emitError()
             << "result #" << i << " must be a statically shaped tensor, found "
             << func.getResultTypes()[i];
    ModelResult result;
    result.index = i;
    result.type = type;
    if (auto s = func.getResultAttrOfType<StringAttr>(i, attr::kUpdate)) {
      result.kind = ModelResult::Kind::Update;
      result.name = s.str();
      updateNames.insert(result.name);
      auto it = argNames.find(result.name);
      if (it == argNames.end() ||
          sig.args[it->second].kind == ModelArg::Kind::Input)
        return func.emitError()
               << "result #" << i << " updates '" << result.name
               << "', which is not a parameter, state or cache argument";
      if (sig.args[it->second].type != type)
        return func.emitError()
               << "result #" << i << " updates '" << result.name << "' of type "
               << sig.args[it->second].type << " with a value of type " << type;
    } else {
      result.kind = ModelResult::Kind::Output;
      auto out = func.getResultAttrOfType<StringAttr>(i, attr::kOutput);
      result.name = out ? out.str() : defaultOutputName(i);
    }
    if (!outputNames.insert(result.name).second)
      return func.emitError()
             << "result #" << i << " reuses the name '" << result.name << "'";
    sig.results.push_back(std::move(result));
  }
  for (const ModelArg &arg : sig.args)
    if (arg.kind == ModelArg::Kind::Cache && !updateNames.contains(arg.name))
      return func.emitError()
             << "cache '" << arg.name << "' (argument #" << arg.index
             << ") has no result with mlc.update = \"" << arg.name
             << "\" (its new value)";
  return sig;
}

} // namespace mlc
