// The vocabulary-parallel embedding and cross-entropy of tensor parallelism
// (Megatron): each rank of the tp group holds a block of V/N consecutive
// rows of the vocabulary, and the ops that read a token's row or the
// logits over the vocabulary are rebuilt to work on the rank's block and
// all-reduce what they find.
#ifndef MLC_PASSES_VOCABPARALLEL_H
#define MLC_PASSES_VOCABPARALLEL_H

#include "ir/MlcOps.h"

#include "mlir/IR/Builders.h"

namespace mlc {

/// The embedding of `ids` with `table`, this rank's [V/N, C] rows: each
/// rank looks up the ids in its block (the others give zeros) and the
/// ranks' rows are summed over `axes`. Replaces `op`'s uses; returns the
/// new ops' all-reduce, whose gradient passes the adjoint as it is (the
/// embedding's gradient then lands in the rank's rows of the table).
mlir::Value buildVocabParallelEmbedding(mlir::OpBuilder &b, EmbeddingOp op,
                                        int64_t ranks, mlir::ArrayAttr axes);

/// The mean cross-entropy of `op`'s logits, this rank's [..., V/N] of the
/// vocabulary, without gathering them: per row each rank's maximum (their
/// mean over the ranks is the shift), the sum of exponentials and the
/// target's logit where the target is in the rank's block, each
/// all-reduced over `axes`. Replaces `op`'s uses and erases it.
mlir::Value buildVocabParallelCrossEntropy(mlir::OpBuilder &b,
                                           SoftmaxCrossEntropyOp op,
                                           int64_t ranks, mlir::ArrayAttr axes);

} // namespace mlc

#endif // MLC_PASSES_VOCABPARALLEL_H
