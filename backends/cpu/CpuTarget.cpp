// The cpu target: each mlc op becomes a call to a built-in runtime kernel
// (the CPU runtime compiles nothing at run time).
#include "backends/cpu/CpuTarget.h"

#include "ir/MlcOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace mlc {

namespace {

/// The kernel fields of one op.
struct CpuOp {
  fb::OpKind kind;
  std::vector<int64_t> axes, perm;
  bool keepdims = false, transposeLhs = false, transposeRhs = false;
  int64_t axis = 0, start = 0;
  double eps = 0, theta = 0, fill = 0, scale = 0;
  bool inverse = false, causal = false;
  fb::ComparePredicate predicate = fb::ComparePredicate::eq;
  fb::GeluApproximation approximate = fb::GeluApproximation::none;
};

int64_t normalizeAxis(int64_t axis, Value v) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  return axis < 0 ? axis + rank : axis;
}

template <typename ReduceOp> CpuOp reduce(fb::OpKind kind, ReduceOp op) {
  CpuOp c{kind};
  llvm::SmallVector<int64_t> axes = op.getNormalizedAxes();
  c.axes.assign(axes.begin(), axes.end());
  c.keepdims = op.getKeepdims();
  return c;
}

FailureOr<CpuOp> describe(Operation *op) {
  using K = fb::OpKind;
  return llvm::TypeSwitch<Operation *, FailureOr<CpuOp>>(op)
      .Case([](AddOp) { return CpuOp{K::add}; })
      .Case([](SubOp) { return CpuOp{K::sub}; })
      .Case([](MulOp) { return CpuOp{K::mul}; })
      .Case([](DivOp) { return CpuOp{K::div}; })
      .Case([](MaxOp) { return CpuOp{K::max}; })
      .Case([](MinOp) { return CpuOp{K::min}; })
      .Case([](PowOp) { return CpuOp{K::pow}; })
      .Case([](NegOp) { return CpuOp{K::neg}; })
      .Case([](AbsOp) { return CpuOp{K::abs}; })
      .Case([](ExpOp) { return CpuOp{K::exp}; })
      .Case([](LogOp) { return CpuOp{K::log}; })
      .Case([](TanhOp) { return CpuOp{K::tanh}; })
      .Case([](CosOp) { return CpuOp{K::cos}; })
      .Case([](SinOp) { return CpuOp{K::sin}; })
      .Case([](SqrtOp) { return CpuOp{K::sqrt}; })
      .Case([](RsqrtOp) { return CpuOp{K::rsqrt}; })
      .Case([](ReluOp) { return CpuOp{K::relu}; })
      .Case([](SigmoidOp) { return CpuOp{K::sigmoid}; })
      .Case([](ErfOp) { return CpuOp{K::erf}; })
      .Case([](SiluOp) { return CpuOp{K::silu}; })
      .Case([](GeluOp g) {
        CpuOp k{K::gelu};
        k.approximate = g.getApproximate() == "tanh"
                            ? fb::GeluApproximation::tanh
                            : fb::GeluApproximation::none;
        return k;
      })
      .Case([](CompareOp c) {
        CpuOp k{K::compare};
        k.predicate = static_cast<fb::ComparePredicate>(c.getPredicate());
        return k;
      })
      .Case([](SelectOp) { return CpuOp{K::select}; })
      .Case([](ReduceSumOp r) { return reduce(K::reduce_sum, r); })
      .Case([](ReduceMeanOp r) { return reduce(K::reduce_mean, r); })
      .Case([](ReduceMaxOp r) { return reduce(K::reduce_max, r); })
      .Case([](BroadcastToOp) { return CpuOp{K::broadcast_to}; })
      .Case([](ReshapeOp) { return CpuOp{K::reshape}; })
      .Case([](TransposeOp t) {
        CpuOp k{K::transpose};
        k.perm.assign(t.getPerm().begin(), t.getPerm().end());
        return k;
      })
      .Case([](CastOp) { return CpuOp{K::cast}; })
      .Case([](SliceOp s) {
        CpuOp k{K::slice};
        k.axis = s.getNormalizedAxis();
        k.start = static_cast<int64_t>(s.getStart());
        return k;
      })
      .Case([](ConcatOp c) {
        CpuOp k{K::concat};
        k.axis = c.getNormalizedAxis();
        return k;
      })
      .Case([](SplitOp s) {
        CpuOp k{K::split};
        k.axis = s.getNormalizedAxis();
        return k;
      })
      .Case([](MatmulOp m) {
        CpuOp k{K::matmul};
        k.transposeLhs = m.getTransposeLhs();
        k.transposeRhs = m.getTransposeRhs();
        return k;
      })
      .Case([](SoftmaxOp s) {
        CpuOp k{K::softmax};
        k.axis = normalizeAxis(s.getAxis(), s.getInput());
        return k;
      })
      .Case([](LogSoftmaxOp s) {
        CpuOp k{K::log_softmax};
        k.axis = s.getNormalizedAxis();
        return k;
      })
      .Case([](LayerNormOp n) {
        CpuOp k{K::layer_norm};
        k.eps = n.getEps().convertToDouble();
        return k;
      })
      .Case([](RmsNormOp n) {
        CpuOp k{K::rms_norm};
        k.eps = n.getEps().convertToDouble();
        return k;
      })
      .Case([](RopeOp r) {
        CpuOp k{K::rope};
        k.theta = r.getTheta().convertToDouble();
        k.inverse = r.getInverse();
        return k;
      })
      .Case([](CausalMaskOp m) {
        CpuOp k{K::causal_mask};
        k.fill = m.getFill().convertToDouble();
        return k;
      })
      .Case<AttentionOp, AttentionGradOp>([](auto a) {
        CpuOp k{isa<AttentionOp>(a.getOperation()) ? K::attention
                                                   : K::attention_grad};
        k.causal = a.getCausal();
        k.scale = a.getScaleOrDefault();
        return k;
      })
      .Case([](OneHotOp) { return CpuOp{K::one_hot}; })
      .Case([](EmbeddingOp) { return CpuOp{K::embedding}; })
      .Case([](EmbeddingGradOp) { return CpuOp{K::embedding_grad}; })
      .Case([](ArgmaxOp a) {
        CpuOp k{K::argmax};
        k.axis = normalizeAxis(a.getAxis(), a.getInput());
        return k;
      })
      .Case([](MseLossOp) { return CpuOp{K::mse_loss}; })
      .Case(
          [](SoftmaxCrossEntropyOp) { return CpuOp{K::softmax_cross_entropy}; })
      .Case([](CacheWriteOp w) {
        CpuOp k{K::cache_write};
        k.axis = w.getNormalizedAxis();
        return k;
      })
      .Default([](Operation *op) -> FailureOr<CpuOp> {
        return op->emitError()
               << "the cpu target has no kernel for '" << op->getName() << "'"
               << (isa<EinsumOp>(op) ? " (run -mlc-lower-einsum first)" : "");
      });
}

class CpuTarget final : public Target {
public:
  llvm::StringRef name() const override { return "cpu"; }

  LogicalResult checkOp(Operation *op) const override {
    if (auto fusion = dyn_cast<FusionOp>(op))
      return checkFusion(fusion);
    for (Type t :
         llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
      Type element = cast<RankedTensorType>(t).getElementType();
      if (element.isBF16() || element.isF16())
        return op->emitError() << "the cpu target does not support " << element
                               << " yet; cast to f32 first";
    }
    return success();
  }

  FailureOr<KernelBody>
  buildKernel(Operation *op,
              flatbuffers::FlatBufferBuilder &fbb) const override {
    if (auto fusion = dyn_cast<FusionOp>(op))
      return buildFusion(fusion, fbb);
    FailureOr<CpuOp> c = describe(op);
    if (failed(c))
      return failure();
    return write(*c, fbb);
  }

private:
  /// The cpu device runs regions over f32 and i1 values whose ops have a
  /// built-in elementwise kind, and (row and column regions) reductions
  /// of f32 values.
  static LogicalResult checkFusion(FusionOp fusion) {
    auto registerType = [](Type t) {
      Type e = cast<RankedTensorType>(t).getElementType();
      return e.isF32() || e.isInteger(1);
    };
    for (Operation &op : fusion.getBodyOps()) {
      for (Type t :
           llvm::concat<Type>(op.getOperandTypes(), op.getResultTypes()))
        if (!registerType(t))
          return op.emitError()
                 << "the cpu target runs fused regions over f32 and i1 values "
                    "only, found "
                 << t;
      if (FusionOp::reducedAxesOf(&op) &&
          !cast<RankedTensorType>(op.getOperand(0).getType())
               .getElementType()
               .isF32())
        return op.emitError()
               << "the cpu target reduces f32 values only in fused regions";
      if (!isa<BroadcastToOp>(op) && failed(describe(&op)))
        return failure();
    }
    return success();
  }

  /// A loop region as a FusedLoop, a row or column region as a
  /// FusedReduce, both with the steps of buildSteps.
  static FailureOr<KernelBody>
  buildFusion(FusionOp fusion, flatbuffers::FlatBufferBuilder &fbb) {
    std::vector<fb::FusedStep> steps;
    std::vector<uint16_t> results;
    if (failed(buildSteps(fusion, steps, results)))
      return failure();
    std::vector<int64_t> shape(fusion.getIterationShape().begin(),
                               fusion.getIterationShape().end());
    if (!fusion.isReduction()) {
      auto loop = fb::CreateFusedLoopDirect(fbb, &shape, &steps, &results);
      return KernelBody{fb::KernelBody::FusedLoop, loop.Union()};
    }
    SmallVector<int64_t> reduced = fusion.getReducedAxes();
    std::vector<int64_t> axes(reduced.begin(), reduced.end());
    auto layout = fusion.getKind() == "row" ? fb::ReduceLayout::row
                                            : fb::ReduceLayout::column;
    auto reduce = fb::CreateFusedReduceDirect(fbb, layout, &shape, &axes,
                                              &steps, &results);
    return KernelBody{fb::KernelBody::FusedReduce, reduce.Union()};
  }

  /// One step per body op (a reduction reads its input's register;
  /// broadcast_to reads its operand at the broadcast index, which every
  /// operand load does already, so it adds none) and one load per block
  /// argument the body reads; `results` are the yielded registers.
  static LogicalResult buildSteps(FusionOp fusion,
                                  std::vector<fb::FusedStep> &steps,
                                  std::vector<uint16_t> &results) {
    llvm::DenseMap<Value, uint16_t> reg;
    auto dtypeOf = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getElementType().isInteger(1)
                 ? fb::DType::i1
                 : fb::DType::f32;
    };
    auto registerOf = [&](Value v) -> uint16_t {
      auto it = reg.find(v);
      if (it != reg.end())
        return it->second;
      auto arg = cast<BlockArgument>(v); // ops come before their users
      steps.emplace_back(fb::OpKind::copy, dtypeOf(v), fb::ComparePredicate::eq,
                         fb::GeluApproximation::none,
                         static_cast<uint16_t>(arg.getArgNumber()), 0, 0);
      return reg[v] = static_cast<uint16_t>(steps.size() - 1);
    };
    for (Operation &op : fusion.getBodyOps()) {
      if (isa<BroadcastToOp>(op)) {
        reg[op.getResult(0)] = registerOf(op.getOperand(0));
        continue;
      }
      FailureOr<CpuOp> c = describe(&op);
      if (failed(c))
        return failure();
      uint16_t operands[3] = {0, 0, 0};
      for (auto [i, operand] : llvm::enumerate(op.getOperands()))
        operands[i] = registerOf(operand);
      if (steps.size() >= 65535)
        return fusion.emitError() << "a fused region holds at most 65535 steps";
      steps.emplace_back(c->kind, dtypeOf(op.getResult(0)), c->predicate,
                         c->approximate, operands[0], operands[1],
                         operands[2]);
      reg[op.getResult(0)] = static_cast<uint16_t>(steps.size() - 1);
    }
    auto yield = cast<YieldOp>(fusion.getBody().front().getTerminator());
    for (Value v : yield.getValues())
      results.push_back(registerOf(v));
    return success();
  }

  static KernelBody write(const CpuOp &c, flatbuffers::FlatBufferBuilder &fbb) {
    bool isReduce = c.kind == fb::OpKind::reduce_sum ||
                    c.kind == fb::OpKind::reduce_mean ||
                    c.kind == fb::OpKind::reduce_max;
    flatbuffers::Offset<flatbuffers::Vector<int64_t>> axes, perm;
    if (isReduce)
      axes = fbb.CreateVector(c.axes);
    if (c.kind == fb::OpKind::transpose)
      perm = fbb.CreateVector(c.perm);
    fb::CpuKernelBuilder b(fbb);
    b.add_op(c.kind);
    if (isReduce)
      b.add_axes(axes);
    if (c.kind == fb::OpKind::transpose)
      b.add_perm(perm);
    b.add_keepdims(c.keepdims);
    b.add_axis(c.axis);
    b.add_transpose_lhs(c.transposeLhs);
    b.add_transpose_rhs(c.transposeRhs);
    b.add_predicate(c.predicate);
    b.add_start(c.start);
    b.add_eps(c.eps);
    b.add_approximate(c.approximate);
    b.add_theta(c.theta);
    b.add_inverse(c.inverse);
    b.add_fill(c.fill);
    b.add_causal(c.causal);
    b.add_scale(c.scale);
    return {fb::KernelBody::CpuKernel, b.Finish().Union()};
  }
};

} // namespace

std::unique_ptr<Target> createCpuTarget() {
  return std::make_unique<CpuTarget>();
}

} // namespace mlc
