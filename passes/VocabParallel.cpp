// Vocabulary-parallel embedding and cross-entropy (VocabParallel.h), the
// ops -mlc-tensor-parallel builds where the vocabulary is split over tp.
#include "passes/VocabParallel.h"

#include "ir/Build.h"

#include <numeric>

using namespace mlir;

namespace mlc {

namespace {

/// A token's place in this rank's block of the vocabulary: the ids moved
/// to the block's start and clamped into it (so that every lookup reads a
/// row the rank has), and a float mask, 1 where the id is in the block.
struct LocalIds {
  Value clamped;
  Value inBlock;
};

LocalIds localIds(OpBuilder &b, Location loc, Value ids, int64_t rows,
                  int64_t ranks, ArrayAttr axes, Type floatType) {
  auto idsType = cast<RankedTensorType>(ids.getType());
  Type intType = idsType.getElementType();
  // The block's first id: rank c's part of [0, rows, 2 rows, ...].
  auto startsType = RankedTensorType::get({ranks}, intType);
  SmallVector<Attribute> starts;
  for (int64_t c = 0; c < ranks; ++c)
    starts.push_back(IntegerAttr::get(intType, c * rows));
  Value all = ConstantOp::create(b, loc, startsType,
                                 DenseElementsAttr::get(startsType, starts));
  Value mine = AllSliceOp::create(b, loc, RankedTensorType::get({1}, intType),
                                  all, axes);
  Value start = buildReshape(b, loc, mine, {});
  Value local = SubOp::create(b, loc, ids, start);
  Value clamped = MinOp::create(
      b, loc, MaxOp::create(b, loc, local, buildScalar(b, loc, intType, 0.0)),
      buildScalar(b, loc, intType, static_cast<double>(rows - 1)));
  Value same = CompareOp::create(b, loc, ComparePredicate::eq, clamped, local);
  Value inBlock = CastOp::create(
      b, loc, RankedTensorType::get(idsType.getShape(), floatType), same);
  return {clamped, inBlock};
}

/// Zeros of `ids`' shape, read through an embedding of a [V, 1] table of
/// zeros: adding them changes nothing, but the embedding kernel checks
/// every id against the whole vocabulary and stops the step, naming the
/// id, where one lies outside it. The clamped lookups of a rank's block
/// cannot tell a bad id from one of another rank's block.
Value checkedZeros(OpBuilder &b, Location loc, Value ids, int64_t vocab,
                   Type floatType) {
  auto idsType = cast<RankedTensorType>(ids.getType());
  Value table =
      buildZeros(b, loc, RankedTensorType::get({vocab, 1}, floatType));
  SmallVector<int64_t> shape(idsType.getShape());
  shape.push_back(1);
  Value rows = EmbeddingOp::create(
      b, loc, RankedTensorType::get(shape, floatType), table, ids);
  return buildReshape(b, loc, rows, idsType.getShape());
}

/// `v` with a trailing dimension of 1, to broadcast against rows of it.
Value withUnitDim(OpBuilder &b, Location loc, Value v) {
  SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
  shape.push_back(1);
  return buildReshape(b, loc, v, shape);
}

Value allReduce(OpBuilder &b, Location loc, Value v, Reduction r,
                ArrayAttr axes) {
  return AllReduceOp::create(b, loc, ValueRange{v}, r, axes)->getResult(0);
}

} // namespace

Value buildVocabParallelEmbedding(OpBuilder &b, EmbeddingOp op, int64_t ranks,
                                  ArrayAttr axes) {
  Location loc = op.getLoc();
  auto tableType = cast<RankedTensorType>(op.getTable().getType());
  auto type = cast<RankedTensorType>(op.getType());
  b.setInsertionPoint(op);
  LocalIds ids = localIds(b, loc, op.getIds(), tableType.getDimSize(0), ranks,
                          axes, type.getElementType());
  Value rows = EmbeddingOp::create(b, loc, type, op.getTable(), ids.clamped);
  Value inBlock = AddOp::create(b, loc, ids.inBlock,
                                checkedZeros(b, loc, op.getIds(),
                                             tableType.getDimSize(0) * ranks,
                                             type.getElementType()));
  Value mine = MulOp::create(b, loc, rows, withUnitDim(b, loc, inBlock));
  Value whole = allReduce(b, loc, mine, Reduction::sum, axes);
  op.getResult().replaceAllUsesWith(whole);
  op.erase();
  return whole;
}

Value buildVocabParallelCrossEntropy(OpBuilder &b, SoftmaxCrossEntropyOp op,
                                     int64_t ranks, ArrayAttr axes) {
  Location loc = op.getLoc();
  Value logits = op.getLogits();
  auto type = cast<RankedTensorType>(logits.getType());
  int64_t last = type.getRank() - 1;
  b.setInsertionPoint(op);
  // The shift keeps exp in range; any value the ranks share leaves the
  // loss as it is, and nothing should differentiate it (the loss's
  // gradient through it is zero; a rank's part of it is not). So it is
  // the row's maximum over the ranks as an integer: the cast to i32 (a
  // value within 1 of the maximum) carries no gradient, and the maximum
  // over ranks then needs none.
  Value localMax = ReduceMaxOp::create(b, loc, logits, {last}, true);
  auto maxType = cast<RankedTensorType>(localMax.getType());
  Value whole = allReduce(
      b, loc, CastOp::create(b, loc, maxType.clone(b.getI32Type()), localMax),
      Reduction::max, axes);
  Value shift = CastOp::create(b, loc, maxType, whole);
  Value shifted = SubOp::create(b, loc, logits, shift);
  Value sumExp = allReduce(
      b, loc,
      ReduceSumOp::create(b, loc, ExpOp::create(b, loc, shifted), {last}),
      Reduction::sum, axes);
  LocalIds labels = localIds(b, loc, op.getLabels(), type.getDimSize(last),
                             ranks, axes, type.getElementType());
  Value inBlock = AddOp::create(b, loc, labels.inBlock,
                                checkedZeros(b, loc, op.getLabels(),
                                             type.getDimSize(last) * ranks,
                                             type.getElementType()));
  Value target =
      MulOp::create(b, loc, OneHotOp::create(b, loc, type, labels.clamped),
                    withUnitDim(b, loc, inBlock));
  Value targetLogit =
      allReduce(b, loc,
                ReduceSumOp::create(
                    b, loc, MulOp::create(b, loc, shifted, target), {last}),
                Reduction::sum, axes);
  // -log softmax at the target, per row, and its mean over the rows.
  Value rows =
      SubOp::create(b, loc, LogOp::create(b, loc, sumExp), targetLogit);
  SmallVector<int64_t> all(last);
  std::iota(all.begin(), all.end(), 0);
  Value loss = ReduceMeanOp::create(b, loc, rows, all);
  op.getResult().replaceAllUsesWith(loss);
  op.erase();
  return loss;
}

} // namespace mlc
