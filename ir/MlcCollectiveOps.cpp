// Collectives of the mlc dialect: verification against the module's mesh,
// type inference, and their gradients (all_reduce's, fan_out's,
// all_gather's and reduce_scatter's) or the reason there is none
// (all_slice's).
#include "ir/Build.h"
#include "ir/MlcModel.h"
#include "ir/MlcOps.h"

using namespace mlir;

namespace mlc {

MeshAttr getMesh(Operation *op) {
  auto module =
      isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  return module ? module->getAttrOfType<MeshAttr>(attr::kMesh) : MeshAttr();
}

namespace {

/// `axes` of a collective: names of axes of the module's mesh, each once,
/// at least one.
LogicalResult verifyAxes(Operation *op, ArrayAttr axes) {
  MeshAttr mesh = getMesh(op);
  if (!mesh)
    return op->emitOpError() << "needs a module with a mesh (mlc.mesh = "
                                "#mlc.mesh<...>) to name its axes";
  if (axes.empty())
    return op->emitOpError() << "names no mesh axis to run over";
  for (auto [i, axis] : llvm::enumerate(axes)) {
    StringRef name = cast<StringAttr>(axis).getValue();
    if (!mesh.axisIndex(name))
      return op->emitOpError()
             << "runs over axis '" << name << "', which the mesh " << mesh
             << " does not have";
    for (size_t j = 0; j < i; ++j)
      if (axes[j] == axis)
        return op->emitOpError() << "names axis '" << name << "' twice";
  }
  return success();
}

int64_t groupSizeOf(Operation *op, ArrayAttr axes) {
  MeshAttr mesh = getMesh(op);
  return mesh ? mesh.groupSize(axes) : 1;
}

} // namespace

//===----------------------------------------------------------------------===//
// all_reduce
//===----------------------------------------------------------------------===//

LogicalResult AllReduceOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  for (Value input : adaptor.getInputs())
    inferred.push_back(input.getType());
  return success();
}

LogicalResult AllReduceOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "reduces no values; give it one or more";
  Type element =
      cast<RankedTensorType>(getInputs()[0].getType()).getElementType();
  for (Value input : getInputs())
    if (cast<RankedTensorType>(input.getType()).getElementType() != element)
      return emitOpError()
             << "mixes element types " << element << " and "
             << cast<RankedTensorType>(input.getType()).getElementType()
             << "; a bucket has one";
  if (getReduction() == Reduction::mean && !isa<FloatType>(element))
    return emitOpError() << "takes the mean of " << element
                         << " values; the mean is of floats only";
  return verifyAxes(*this, getAxes());
}

int64_t AllReduceOp::getGroupSize() { return groupSizeOf(*this, getAxes()); }

LogicalResult AllReduceOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  if (getReduction() == Reduction::max || getReduction() == Reduction::min)
    return emitOpError() << "has no gradient: the adjoint of a "
                         << stringifyReduction(getReduction())
                         << " over ranks would go to the rank that holds it, "
                            "which no rank knows";
  int64_t n = getGroupSize();
  for (Value g : resultGrads) {
    if (!g || getReduction() == Reduction::sum || n == 1) {
      grads.push_back(g);
      continue;
    }
    Type element = cast<RankedTensorType>(g.getType()).getElementType();
    grads.push_back(DivOp::create(
        b, getLoc(), g,
        buildScalar(b, getLoc(), element, static_cast<double>(n))));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// all_gather
//===----------------------------------------------------------------------===//

LogicalResult AllGatherOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getResult().getType());
  if (failed(verifyAxes(*this, getAxes())))
    return failure();
  if (in.getRank() == 0)
    return emitOpError() << "gathers along the leading dimension; a scalar "
                            "has none";
  int64_t n = getGroupSize();
  SmallVector<int64_t> expected(in.getShape());
  expected[0] *= n;
  if (out.getElementType() != in.getElementType() ||
      out.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "gathers " << in << " from " << n << " ranks into "
                         << out << "; expected " << in.clone(expected);
  return success();
}

int64_t AllGatherOp::getGroupSize() { return groupSizeOf(*this, getAxes()); }

LogicalResult AllGatherOp::buildGradients(OpBuilder &b,
                                          ArrayRef<Value> resultGrads,
                                          SmallVectorImpl<Value> &grads) {
  Value g = resultGrads[0];
  if (!g) {
    grads.push_back(nullptr);
    return success();
  }
  auto in = cast<RankedTensorType>(getInput().getType());
  Value part = buildReduceScatter(b, getLoc(), ValueRange{g}, Reduction::sum,
                                  getAxes(), getGroupSize())
                   .front();
  grads.push_back(buildReshape(b, getLoc(), part, in.getShape()));
  return success();
}

//===----------------------------------------------------------------------===//
// reduce_scatter
//===----------------------------------------------------------------------===//

SmallVector<Value> buildReduceScatter(OpBuilder &b, Location loc,
                                      ValueRange inputs, Reduction reduction,
                                      ArrayAttr axes, int64_t groupSize) {
  SmallVector<Type> types;
  for (Value v : inputs) {
    auto type = cast<RankedTensorType>(v.getType());
    types.push_back(type.clone({type.getNumElements() / groupSize}));
  }
  auto op = ReduceScatterOp::create(b, loc, types, inputs, reduction, axes);
  return SmallVector<Value>(op.getResults());
}

LogicalResult ReduceScatterOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "reduces no values; give it one or more";
  if (getResults().size() != getInputs().size())
    return emitOpError() << "has " << getInputs().size() << " inputs and "
                         << getResults().size()
                         << " results; it gives one result per input";
  if (failed(verifyAxes(*this, getAxes())))
    return failure();
  if (getReduction() != Reduction::sum && getReduction() != Reduction::mean)
    return emitOpError() << "scatters a " << stringifyReduction(getReduction())
                         << "; it reduces by sum or mean";
  Type element =
      cast<RankedTensorType>(getInputs()[0].getType()).getElementType();
  if (getReduction() == Reduction::mean && !isa<FloatType>(element))
    return emitOpError() << "takes the mean of " << element
                         << " values; the mean is of floats only";
  int64_t n = getGroupSize();
  for (auto [i, pair] :
       llvm::enumerate(llvm::zip(getInputs(), getResults()))) {
    auto in = cast<RankedTensorType>(std::get<0>(pair).getType());
    auto out = cast<RankedTensorType>(std::get<1>(pair).getType());
    if (in.getElementType() != element)
      return emitOpError() << "mixes element types " << element << " and "
                           << in.getElementType() << "; a bucket has one";
    if (in.getNumElements() % n != 0)
      return emitOpError() << "input #" << i << " (" << in << ") has "
                           << in.getNumElements()
                           << " elements, which do not divide into " << n
                           << " parts (one per rank of the group)";
    auto expected = in.clone({in.getNumElements() / n});
    if (out != expected)
      return emitOpError() << "result #" << i << " is " << out << "; part "
                           << "of " << in << " over " << n
                           << " ranks is expected to be " << expected;
  }
  return success();
}

int64_t ReduceScatterOp::getGroupSize() {
  return groupSizeOf(*this, getAxes());
}

LogicalResult ReduceScatterOp::buildGradients(OpBuilder &b,
                                              ArrayRef<Value> resultGrads,
                                              SmallVectorImpl<Value> &grads) {
  int64_t n = getGroupSize();
  for (auto [g, input] : llvm::zip(resultGrads, getInputs())) {
    if (!g) {
      grads.push_back(nullptr);
      continue;
    }
    auto in = cast<RankedTensorType>(input.getType());
    auto flat = cast<RankedTensorType>(g.getType());
    Value whole = AllGatherOp::create(
        b, getLoc(), flat.clone({flat.getNumElements() * n}), g, getAxes());
    if (getReduction() == Reduction::mean && n > 1)
      whole = DivOp::create(b, getLoc(), whole,
                            buildScalar(b, getLoc(), in.getElementType(),
                                        static_cast<double>(n)));
    grads.push_back(buildReshape(b, getLoc(), whole, in.getShape()));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// all_slice
//===----------------------------------------------------------------------===//

LogicalResult AllSliceOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getResult().getType());
  if (failed(verifyAxes(*this, getAxes())))
    return failure();
  int64_t n = getGroupSize();
  if (in.getNumElements() % n != 0)
    return emitOpError() << "slices " << in << " (" << in.getNumElements()
                         << " elements) into " << n
                         << " equal parts, which do not divide it";
  RankedTensorType expected =
      RankedTensorType::get({in.getNumElements() / n}, in.getElementType());
  if (out != expected)
    return emitOpError() << "keeps part of " << in << " on each of " << n
                         << " ranks as " << out << "; expected " << expected;
  return success();
}

int64_t AllSliceOp::getGroupSize() { return groupSizeOf(*this, getAxes()); }

StringRef AllSliceOp::getNoGradientReason() {
  return "whether the adjoint of its replicated input is partial or whole "
         "depends on the strategy that slices it; the pass that uses it "
         "builds the gradient it needs";
}

//===----------------------------------------------------------------------===//
// fan_out
//===----------------------------------------------------------------------===//

LogicalResult FanOutOp::verify() { return verifyAxes(*this, getAxes()); }

LogicalResult FanOutOp::buildGradients(OpBuilder &b,
                                       ArrayRef<Value> resultGrads,
                                       SmallVectorImpl<Value> &grads) {
  // Each rank's adjoint is its part of the sum (the products with its
  // columns of the weights); every rank needs the whole.
  Value g = resultGrads[0];
  if (g)
    g = AllReduceOp::create(b, getLoc(), ValueRange{g}, Reduction::sum,
                            getAxes())
            ->getResult(0);
  grads.push_back(g);
  return success();
}

//===----------------------------------------------------------------------===//
// send and recv
//===----------------------------------------------------------------------===//

namespace {

/// `peer` of a send or a receive: another position in the group.
LogicalResult verifyPeer(Operation *op, ArrayAttr axes, int64_t peer) {
  if (failed(verifyAxes(op, axes)))
    return failure();
  int64_t n = groupSizeOf(op, axes);
  if (peer < 0 || peer >= n)
    return op->emitOpError() << "names peer " << peer << " of a group of " << n
                             << " ranks (positions 0 to " << n - 1 << ")";
  return success();
}

} // namespace

LogicalResult SendOp::verify() {
  return verifyPeer(*this, getAxes(), getPeer());
}

int64_t SendOp::getGroupSize() { return groupSizeOf(*this, getAxes()); }

StringRef SendOp::getNoGradientReason() {
  return "it is placed after autodiff, between the programs of pipeline "
         "stages, each of which already holds its own gradients";
}

LogicalResult RecvOp::verify() {
  return verifyPeer(*this, getAxes(), getPeer());
}

int64_t RecvOp::getGroupSize() { return groupSizeOf(*this, getAxes()); }

StringRef RecvOp::getNoGradientReason() {
  return "it is placed after autodiff, between the programs of pipeline "
         "stages; the adjoint of what it receives is sent back by the "
         "stage's own backward pass";
}

} // namespace mlc
