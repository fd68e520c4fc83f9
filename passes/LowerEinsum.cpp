// -mlc-lower-einsum: rewrites mlc.einsum into matmul / mul, reductions,
// transposes and reshapes.
#include "passes/Passes.h"

#include "ir/Build.h"
#include "ir/Einsum.h"
#include "ir/MlcOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <map>
#include <optional>

namespace mlc {
#define GEN_PASS_DEF_LOWEREINSUM
#include "passes/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

/// A value together with the einsum label of each of its dimensions.
struct Labeled {
  Value value;
  std::string labels;
};

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

bool contains(StringRef s, char c) { return s.find(c) != StringRef::npos; }

/// Sums out the labels of `x` that `keep` does not contain.
Labeled sumOut(OpBuilder &b, Location loc, Labeled x, StringRef keep) {
  SmallVector<int64_t> axes;
  std::string kept;
  for (auto [i, c] : llvm::enumerate(x.labels)) {
    if (contains(keep, c))
      kept.push_back(c);
    else
      axes.push_back(static_cast<int64_t>(i));
  }
  if (axes.empty())
    return x;
  return {ReduceSumOp::create(b, loc, x.value, axes, /*keepdims=*/false), kept};
}

/// Transposes `x` so that its labels read `order` (a permutation of them).
Value permuteTo(OpBuilder &b, Location loc, const Labeled &x, StringRef order) {
  SmallVector<int64_t> perm;
  bool identity = true;
  for (auto [i, c] : llvm::enumerate(order)) {
    int64_t from = static_cast<int64_t>(x.labels.find(c));
    perm.push_back(from);
    identity &= from == static_cast<int64_t>(i);
  }
  if (identity)
    return x.value;
  return TransposeOp::create(b, loc, x.value, perm);
}

/// The labels of `order` that satisfy `pred`, in that order.
template <typename Pred> std::string pickLabels(StringRef order, Pred pred) {
  std::string out;
  for (char c : order)
    if (pred(c))
      out.push_back(c);
  return out;
}

int64_t product(const std::map<char, int64_t> &dims, StringRef labels) {
  int64_t n = 1;
  for (char c : labels)
    n *= dims.at(c);
  return n;
}

/// Parses the equation of `op` against its operands' shapes.
llvm::Expected<EinsumEquation> parseEquation(EinsumOp op) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : op.getInputs())
    shapes.push_back(shapeOf(v));
  return parseEinsum(op.getEquation(), shapes);
}

/// The labels of the dimensions of `shape` that keep their size. A size-1
/// ellipsis dimension that broadcasts against a larger one is left out: an
/// operand constant along a label is one that does not carry it.
std::string unstretchedLabels(StringRef labels, ArrayRef<int64_t> shape,
                              const std::map<char, int64_t> &sizes) {
  std::string kept;
  for (auto [c, size] : llvm::zip(labels, shape))
    if (sizes.at(c) == size)
      kept.push_back(c);
  return kept;
}

/// Operand `v` with `labels`, its stretched dimensions reshaped away, so
/// that no broadcast is materialized.
Labeled dropStretched(OpBuilder &b, Location loc, Value v, StringRef labels,
                      const std::map<char, int64_t> &sizes) {
  std::string kept = unstretchedLabels(labels, shapeOf(v), sizes);
  SmallVector<int64_t> shape;
  for (char c : kept)
    shape.push_back(sizes.at(c));
  return {buildReshape(b, loc, v, shape), kept};
}

/// `v` reshaped to `shape`, from the input of `v` if `v` is itself a
/// reshape, so that an operand whose stretched dimensions were dropped is
/// not reshaped twice in a row.
Value reshapeThrough(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> shape) {
  if (auto inner = v.getDefiningOp<ReshapeOp>())
    v = inner.getInput();
  return buildReshape(b, loc, v, shape);
}

/// Why `op` has no lowering, or nullopt if it has one. Contracting a label
/// that both operands carry takes an mlc.matmul, which has no integer form.
std::optional<std::string> whyNotLowerable(EinsumOp op) {
  llvm::Expected<EinsumEquation> eq = parseEquation(op);
  if (!eq)
    return llvm::toString(eq.takeError());
  if (eq->inputs.size() != 2 || isa<FloatType>(op.getType().getElementType()))
    return std::nullopt;
  SmallVector<std::string, 2> labels;
  for (auto [v, l] : llvm::zip(op.getInputs(), eq->inputs))
    labels.push_back(unstretchedLabels(l, shapeOf(v), eq->sizes));
  for (char c : labels[0])
    if (contains(labels[1], c) && !contains(eq->output, c))
      return describeLabel(c) +
             " is contracted, which takes an mlc.matmul, and mlc.matmul "
             "takes float operands only";
  return std::nullopt;
}

struct LowerEinsumPattern : OpRewritePattern<EinsumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EinsumOp op,
                                PatternRewriter &rewriter) const override {
    if (std::optional<std::string> why = whyNotLowerable(op))
      return rewriter.notifyMatchFailure(op, *why);
    llvm::Expected<EinsumEquation> parsed = parseEquation(op);
    if (!parsed)
      return rewriter.notifyMatchFailure(op,
                                         llvm::toString(parsed.takeError()));
    const EinsumEquation &eq = *parsed;
    Location loc = op.getLoc();
    SmallVector<Labeled, 2> operands;
    for (auto [v, labels] : llvm::zip(op.getInputs(), eq.inputs))
      operands.push_back(dropStretched(rewriter, loc, v, labels, eq.sizes));

    Value result;
    if (operands.size() == 1) {
      Labeled x = sumOut(rewriter, loc, operands[0], eq.output);
      result = permuteTo(rewriter, loc, x, eq.output);
    } else {
      result = lowerBinary(rewriter, loc, operands[0], operands[1], eq.output,
                           eq.sizes);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  Value lowerBinary(PatternRewriter &b, Location loc, const Labeled &left,
                    const Labeled &right, const std::string &out,
                    const std::map<char, int64_t> &dims) const {
    // Labels only one operand has and the output lacks are summed first.
    Labeled a = sumOut(b, loc, left, out + right.labels);
    Labeled c = sumOut(b, loc, right, out + left.labels);
    StringRef la = a.labels, lc = c.labels;
    std::string batch = pickLabels(
        out, [&](char x) { return contains(la, x) && contains(lc, x); });
    std::string contracted = pickLabels(
        la, [&](char x) { return contains(lc, x) && !contains(out, x); });
    std::string freeA = pickLabels(
        out, [&](char x) { return contains(la, x) && !contains(lc, x); });
    std::string freeB = pickLabels(
        out, [&](char x) { return contains(lc, x) && !contains(la, x); });

    if (contracted.empty()) {
      // No contraction: a broadcasting elementwise product. Line both
      // operands up with the output, with size-1 dims for missing labels.
      auto align = [&](const Labeled &x) {
        std::string order =
            pickLabels(out, [&](char l) { return contains(x.labels, l); });
        Value v = permuteTo(b, loc, x, order);
        SmallVector<int64_t> shape;
        for (char l : out)
          shape.push_back(contains(x.labels, l) ? dims.at(l) : 1);
        return reshapeThrough(b, loc, v, shape);
      };
      Value lhs = align(a);
      Value rhs = align(c);
      return MulOp::create(b, loc, lhs, rhs);
    }

    // One matmul: a as [batch, M, K], c as [batch, K, N]; an operand whose
    // layout is already [batch, K, M] / [batch, N, K] uses a transpose flag.
    int64_t bsz = product(dims, batch);
    auto asMatrix = [&](const Labeled &x, const std::string &first,
                        const std::string &second, bool &transposed) {
      std::string natural = batch + first + second;
      std::string swapped = batch + second + first;
      transposed = x.labels != natural && x.labels == swapped;
      Value v = permuteTo(b, loc, x, transposed ? swapped : natural);
      int64_t rows = product(dims, transposed ? second : first);
      int64_t cols = product(dims, transposed ? first : second);
      SmallVector<int64_t> shape;
      if (!batch.empty())
        shape.push_back(bsz);
      shape.push_back(rows);
      shape.push_back(cols);
      return reshapeThrough(b, loc, v, shape);
    };
    bool ta = false, tb = false;
    Value lhs = asMatrix(a, freeA, contracted, ta);
    Value rhs = asMatrix(c, contracted, freeB, tb);
    Value mm = MatmulOp::create(b, loc, lhs, rhs, ta, tb);
    std::string labels = batch + freeA + freeB;
    SmallVector<int64_t> shape;
    for (char l : labels)
      shape.push_back(dims.at(l));
    Value reshaped = buildReshape(b, loc, mm, shape);
    return permuteTo(b, loc, {reshaped, labels}, out);
  }
};

struct LowerEinsumPass : mlc::impl::LowerEinsumBase<LowerEinsumPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LowerEinsumPattern>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    bool left = false;
    getOperation().walk([&](EinsumOp op) {
      InFlightDiagnostic diag = op.emitError("could not lower this einsum");
      if (std::optional<std::string> why = whyNotLowerable(op))
        diag << ": " << *why;
      left = true;
    });
    if (left)
      signalPassFailure();
  }
};

} // namespace
