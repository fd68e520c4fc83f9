// Attributes of the mlc dialect: the parameter initializer #mlc.init, the
// memory slice #mlc.slice, the mesh of ranks #mlc.mesh and a rank's piece
// of a tensor #mlc.shard.
#include "ir/MlcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlc;

#include "ir/MlcEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/MlcAttrs.cpp.inc"

void MlcDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ir/MlcAttrs.cpp.inc"
      >();
}

llvm::SmallVector<StringRef, 2> InitAttr::keysFor(InitKind kind) {
  switch (kind) {
  case InitKind::zeros:
  case InitKind::ones:
    return {};
  case InitKind::constant:
    return {"value"};
  case InitKind::normal:
    return {"mean", "std"};
  case InitKind::uniform:
    return {"low", "high"};
  case InitKind::xavier_uniform:
    return {"gain"};
  case InitKind::kaiming_uniform:
    return {"a"};
  }
  llvm_unreachable("unknown init kind");
}

llvm::SmallVector<double, 2> InitAttr::defaultsFor(InitKind kind) {
  switch (kind) {
  case InitKind::zeros:
  case InitKind::ones:
    return {};
  case InitKind::constant:
    return {0.0};
  case InitKind::normal:
    return {0.0, 1.0};
  case InitKind::uniform:
    return {0.0, 1.0};
  case InitKind::xavier_uniform:
    return {1.0};
  case InitKind::kaiming_uniform:
    return {std::sqrt(5.0)};
  }
  llvm_unreachable("unknown init kind");
}

/// Parses `<kind (, key = number)*>`.
Attribute InitAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  llvm::SMLoc kindLoc = parser.getCurrentLocation();
  StringRef kindName;
  if (parser.parseKeyword(&kindName))
    return {};
  std::optional<InitKind> kind = symbolizeInitKind(kindName);
  if (!kind) {
    parser.emitError(kindLoc)
        << "unknown initializer '" << kindName
        << "' (expected zeros, ones, constant, normal, uniform, "
           "xavier_uniform or kaiming_uniform)";
    return {};
  }
  llvm::SmallVector<StringRef, 2> keys = keysFor(*kind);
  llvm::SmallVector<double, 2> values = defaultsFor(*kind);
  llvm::SmallVector<bool, 2> seen(keys.size(), false);
  while (succeeded(parser.parseOptionalComma())) {
    llvm::SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    double value;
    if (parser.parseKeyword(&key) || parser.parseEqual() ||
        parser.parseFloat(value))
      return {};
    auto it = llvm::find(keys, key);
    if (it == keys.end()) {
      auto diag = parser.emitError(keyLoc) << "initializer '" << kindName
                                           << "' has no key '" << key << "'";
      if (keys.empty())
        diag << " (it takes none)";
      else
        diag << " (expected " << llvm::join(keys, ", ") << ")";
      return {};
    }
    size_t index = it - keys.begin();
    if (seen[index]) {
      parser.emitError(keyLoc) << "key '" << key << "' given twice";
      return {};
    }
    seen[index] = true;
    values[index] = value;
  }
  if (parser.parseGreater())
    return {};
  values.resize(2, 0.0);
  return parser.getChecked<InitAttr>(parser.getContext(), *kind,
                                     llvm::APFloat(values[0]),
                                     llvm::APFloat(values[1]));
}

void InitAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyInitKind(getKind());
  double values[2] = {getFirstValue(), getSecondValue()};
  for (auto [i, key] : llvm::enumerate(keysFor(getKind()))) {
    printer << ", " << key << " = ";
    printer.printFloat(llvm::APFloat(values[i]));
  }
  printer << ">";
}

LogicalResult InitAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               InitKind kind, llvm::APFloat firstValue,
                               llvm::APFloat secondValue) {
  double first = firstValue.convertToDouble();
  double second = secondValue.convertToDouble();
  if (!std::isfinite(first) || !std::isfinite(second))
    return emitError() << "initializer values must be finite";
  if (kind == InitKind::normal && second <= 0)
    return emitError() << "normal initializer needs std > 0, found " << second;
  if (kind == InitKind::uniform && !(first < second))
    return emitError() << "uniform initializer needs low < high, found low = "
                       << first << ", high = " << second;
  if (kind == InitKind::xavier_uniform && first <= 0)
    return emitError() << "xavier_uniform needs gain > 0, found " << first;
  return success();
}

LogicalResult SliceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                ArenaKind arena, uint64_t offset,
                                uint64_t size) {
  if (offset % kSliceAlignment != 0)
    return emitError() << "slice offset " << offset << " is not a multiple of "
                       << kSliceAlignment;
  if (size == 0)
    return emitError() << "slice size must be at least 1 byte";
  if (offset > kMaxArenaBytes || size > kMaxArenaBytes - offset)
    return emitError() << "slice [" << offset << ", " << offset << " + " << size
                       << ") ends past 2^44 bytes, the largest arena";
  return success();
}

uint64_t SliceAttr::getAlignedEnd() const {
  uint64_t end = getOffset() + getSize();
  return (end + kSliceAlignment - 1) / kSliceAlignment * kSliceAlignment;
}

bool SliceAttr::overlaps(SliceAttr other) const {
  return getArena() == other.getArena() &&
         getOffset() < other.getOffset() + other.getSize() &&
         other.getOffset() < getOffset() + getSize();
}

/// Parses `<>` or `<name = size (, name = size)*>`.
Attribute MeshAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  SmallVector<StringAttr> names;
  SmallVector<int64_t> sizes;
  if (failed(parser.parseOptionalGreater())) {
    do {
      StringRef name;
      int64_t size;
      if (parser.parseKeyword(&name) || parser.parseEqual() ||
          parser.parseInteger(size))
        return {};
      names.push_back(StringAttr::get(parser.getContext(), name));
      sizes.push_back(size);
    } while (succeeded(parser.parseOptionalComma()));
    if (parser.parseGreater())
      return {};
  }
  return parser.getChecked<MeshAttr>(parser.getContext(), names, sizes);
}

void MeshAttr::print(AsmPrinter &printer) const {
  printer << "<";
  for (auto [i, name] : llvm::enumerate(getNames()))
    printer << (i ? ", " : "") << name.getValue() << " = " << getSizes()[i];
  printer << ">";
}

LogicalResult MeshAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<StringAttr> names,
                               ArrayRef<int64_t> sizes) {
  if (names.size() != sizes.size())
    return emitError() << "a mesh has one size per axis name, found "
                       << names.size() << " names and " << sizes.size()
                       << " sizes";
  int64_t ranks = 1;
  for (auto [i, name] : llvm::enumerate(names)) {
    if (name.getValue().empty())
      return emitError() << "mesh axis #" << i << " has no name";
    for (size_t j = 0; j < i; ++j)
      if (names[j] == name)
        return emitError() << "mesh axis '" << name.getValue()
                           << "' appears twice";
    if (sizes[i] < 1)
      return emitError() << "mesh axis '" << name.getValue() << "' has size "
                         << sizes[i] << "; sizes are >= 1";
    ranks *= sizes[i];
    if (ranks > (int64_t(1) << 20))
      return emitError() << "a mesh has at most 2^20 ranks";
  }
  return success();
}

std::optional<unsigned> MeshAttr::axisIndex(StringRef name) const {
  for (auto [i, n] : llvm::enumerate(getNames()))
    if (n.getValue() == name)
      return static_cast<unsigned>(i);
  return std::nullopt;
}

int64_t MeshAttr::numRanks() const {
  int64_t ranks = 1;
  for (int64_t size : getSizes())
    ranks *= size;
  return ranks;
}

int64_t MeshAttr::groupSize(ArrayAttr axes) const {
  int64_t size = 1;
  for (Attribute axis : axes)
    if (std::optional<unsigned> i =
            axisIndex(cast<StringAttr>(axis).getValue()))
      size *= getSizes()[*i];
  return size;
}

/// Parses `<[d0, d1, ...] (, split(D, "axis", B) | , flat("axis"))*>`.
Attribute ShardAttr::parse(AsmParser &parser, Type) {
  SmallVector<int64_t> shape, dims, blocks;
  SmallVector<StringAttr> axes;
  auto parseDim = [&]() -> ParseResult {
    return parser.parseInteger(shape.emplace_back());
  };
  if (parser.parseLess() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseDim))
    return {};
  while (succeeded(parser.parseOptionalComma())) {
    StringRef kind;
    std::string axis;
    SMLoc at = parser.getCurrentLocation();
    if (parser.parseKeyword(&kind) || parser.parseLParen())
      return {};
    if (kind == "split") {
      int64_t dim, count;
      if (parser.parseInteger(dim) || parser.parseComma() ||
          parser.parseString(&axis) || parser.parseComma() ||
          parser.parseInteger(count))
        return {};
      dims.push_back(dim);
      blocks.push_back(count);
    } else if (kind == "flat") {
      if (parser.parseString(&axis))
        return {};
      dims.push_back(-1);
      blocks.push_back(1);
    } else {
      parser.emitError(at) << "a shard step is split(dim, \"axis\", blocks) "
                              "or flat(\"axis\"), found '"
                           << kind << "'";
      return {};
    }
    axes.push_back(StringAttr::get(parser.getContext(), axis));
    if (parser.parseRParen())
      return {};
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<ShardAttr>(parser.getContext(), shape, axes, dims,
                                      blocks);
}

void ShardAttr::print(AsmPrinter &printer) const {
  printer << "<[";
  llvm::interleaveComma(getShape(), printer);
  printer << "]";
  for (unsigned i = 0; i < getAxes().size(); ++i) {
    if (isFlat(i))
      printer << ", flat(\"" << getAxes()[i].getValue() << "\")";
    else
      printer << ", split(" << getDims()[i] << ", \"" << getAxes()[i].getValue()
              << "\", " << getBlocks()[i] << ")";
  }
  printer << ">";
}

LogicalResult ShardAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                ArrayRef<int64_t> shape,
                                ArrayRef<StringAttr> axes,
                                ArrayRef<int64_t> dims,
                                ArrayRef<int64_t> blocks) {
  if (axes.size() != dims.size() || axes.size() != blocks.size())
    return emitError() << "a shard has one axis, dim and block count per step";
  for (int64_t d : shape)
    if (d < 0)
      return emitError() << "a shard's whole shape has a negative extent " << d;
  int64_t rank = static_cast<int64_t>(shape.size());
  for (unsigned i = 0; i < axes.size(); ++i) {
    if (axes[i].getValue().empty())
      return emitError() << "shard step #" << i << " names no mesh axis";
    if (dims[i] < 0) { // flat
      rank = 1;
      continue;
    }
    if (dims[i] >= rank)
      return emitError() << "shard step #" << i << " splits dim " << dims[i]
                         << " of a " << rank << "-d tensor";
    if (blocks[i] < 1)
      return emitError() << "shard step #" << i << " splits into " << blocks[i]
                         << " blocks; at least 1";
  }
  return success();
}

FailureOr<SmallVector<int64_t>>
ShardAttr::pieceShape(MeshAttr mesh,
                      function_ref<InFlightDiagnostic()> emitError) const {
  SmallVector<int64_t> shape(getShape());
  for (unsigned i = 0; i < getAxes().size(); ++i) {
    StringRef axis = getAxes()[i].getValue();
    if (!mesh)
      return emitError() << "shard step #" << i << " runs over axis '" << axis
                         << "', but the module has no mesh (mlc.mesh)";
    std::optional<unsigned> index = mesh.axisIndex(axis);
    if (!index)
      return emitError() << "shard step #" << i << " runs over axis '" << axis
                         << "', which the module's mesh " << mesh
                         << " does not have";
    int64_t n = mesh.getSizes()[*index];
    if (isFlat(i)) {
      int64_t numel = 1;
      for (int64_t d : shape)
        numel *= d;
      shape = {(numel + n - 1) / n};
      continue;
    }
    int64_t dim = getDims()[i], parts = getBlocks()[i] * n;
    if (shape[dim] % parts != 0)
      return emitError() << "shard step #" << i << " splits dim " << dim
                         << " of extent " << shape[dim] << " into "
                         << getBlocks()[i] << " x " << n << " ('" << axis
                         << "') parts, which do not divide it";
    shape[dim] /= n;
  }
  return shape;
}
