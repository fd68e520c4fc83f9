// The cpu target: each mlc op becomes a call to a built-in runtime kernel
// (the CPU runtime compiles nothing at run time).
#include "backends/cpu/CpuTarget.h"

#include "ir/MlcOps.h"

#include "llvm/ADT/DenseMap.h"

#include <functional>

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

/// How the cpu target lowers one kind of op: the fields of its CpuKernel,
/// and whether it may be part of a fused loop (a FusedStep of the same
/// kind; broadcast_to becomes the broadcast read of its user's load).
struct KernelRule {
  std::function<CpuOp(Operation *)> describe;
  bool fusible = false;
};

/// The cpu target's kernel for each kind of mlc op it runs, keyed by the
/// op's TypeID. Which ops a target runs is the target's decision, so the
/// mapping lives here; registered_ops_test checks that it covers every op
/// that reaches a target.
class KernelTable {
public:
  KernelTable() {
    using K = fb::OpKind;
    // Elementwise: a kernel of its own, or a step of a fused loop.
    fusible<AddOp>(K::add);
    fusible<SubOp>(K::sub);
    fusible<MulOp>(K::mul);
    fusible<DivOp>(K::div);
    fusible<MaxOp>(K::max);
    fusible<MinOp>(K::min);
    fusible<PowOp>(K::pow);
    fusible<NegOp>(K::neg);
    fusible<AbsOp>(K::abs);
    fusible<ExpOp>(K::exp);
    fusible<LogOp>(K::log);
    fusible<TanhOp>(K::tanh);
    fusible<CosOp>(K::cos);
    fusible<SinOp>(K::sin);
    fusible<SqrtOp>(K::sqrt);
    fusible<RsqrtOp>(K::rsqrt);
    fusible<ReluOp>(K::relu);
    fusible<SigmoidOp>(K::sigmoid);
    fusible<ErfOp>(K::erf);
    fusible<SiluOp>(K::silu);
    fusible<GeluOp>([](GeluOp g) {
      CpuOp k{K::gelu};
      k.approximate = g.getApproximate() == "tanh"
                          ? fb::GeluApproximation::tanh
                          : fb::GeluApproximation::none;
      return k;
    });
    fusible<CompareOp>([](CompareOp c) {
      CpuOp k{K::compare};
      k.predicate = static_cast<fb::ComparePredicate>(c.getPredicate());
      return k;
    });
    fusible<SelectOp>(K::select);
    fusible<CastOp>(K::cast);
    fusible<BroadcastToOp>(K::broadcast_to);

    // Kernels of their own only.
    kernel<ReduceSumOp>([](ReduceSumOp r) { return reduce(K::reduce_sum, r); });
    kernel<ReduceMeanOp>(
        [](ReduceMeanOp r) { return reduce(K::reduce_mean, r); });
    kernel<ReduceMaxOp>([](ReduceMaxOp r) { return reduce(K::reduce_max, r); });
    kernel<ReshapeOp>(K::reshape);
    kernel<TransposeOp>([](TransposeOp t) {
      CpuOp k{K::transpose};
      k.perm.assign(t.getPerm().begin(), t.getPerm().end());
      return k;
    });
    kernel<SliceOp>([](SliceOp s) {
      CpuOp k{K::slice};
      k.axis = s.getNormalizedAxis();
      k.start = static_cast<int64_t>(s.getStart());
      return k;
    });
    alongAxis<ConcatOp>(K::concat);
    alongAxis<SplitOp>(K::split);
    kernel<MatmulOp>([](MatmulOp m) {
      CpuOp k{K::matmul};
      k.transposeLhs = m.getTransposeLhs();
      k.transposeRhs = m.getTransposeRhs();
      return k;
    });
    kernel<SoftmaxOp>([](SoftmaxOp s) {
      CpuOp k{K::softmax};
      k.axis = normalizeAxis(s.getAxis(), s.getInput());
      return k;
    });
    alongAxis<LogSoftmaxOp>(K::log_softmax);
    normalization<LayerNormOp>(K::layer_norm);
    normalization<RmsNormOp>(K::rms_norm);
    kernel<RopeOp>([](RopeOp r) {
      CpuOp k{K::rope};
      k.theta = r.getTheta().convertToDouble();
      k.inverse = r.getInverse();
      return k;
    });
    kernel<CausalMaskOp>([](CausalMaskOp m) {
      CpuOp k{K::causal_mask};
      k.fill = m.getFill().convertToDouble();
      return k;
    });
    kernel<AttentionOp>(
        [](AttentionOp a) { return attention(K::attention, a); });
    kernel<AttentionGradOp>(
        [](AttentionGradOp a) { return attention(K::attention_grad, a); });
    kernel<OneHotOp>(K::one_hot);
    kernel<EmbeddingOp>(K::embedding);
    kernel<EmbeddingGradOp>(K::embedding_grad);
    kernel<ArgmaxOp>([](ArgmaxOp a) {
      CpuOp k{K::argmax};
      k.axis = normalizeAxis(a.getAxis(), a.getInput());
      return k;
    });
    kernel<MseLossOp>(K::mse_loss);
    kernel<SoftmaxCrossEntropyOp>(K::softmax_cross_entropy);
    alongAxis<CacheWriteOp>(K::cache_write);
  }

  /// The rule for ops named `name`, or null if the target has none.
  const KernelRule *lookup(OperationName name) const {
    auto it = rules_.find(name.getTypeID());
    return it == rules_.end() ? nullptr : &it->second;
  }

private:
  template <typename Op, typename Describe>
  void add(Describe describe, bool fusible) {
    auto [it, inserted] = rules_.try_emplace(
        TypeID::get<Op>(),
        KernelRule{[describe](Operation *op) { return describe(cast<Op>(op)); },
                   fusible});
    assert(inserted && "one rule per op");
    (void)it;
    (void)inserted;
  }
  template <typename Op, typename Describe> void kernel(Describe describe) {
    add<Op>(describe, /*fusible=*/false);
  }
  template <typename Op> void kernel(fb::OpKind kind) {
    add<Op>([kind](Op) { return CpuOp{kind}; }, /*fusible=*/false);
  }
  template <typename Op, typename Describe> void fusible(Describe describe) {
    add<Op>(describe, /*fusible=*/true);
  }
  template <typename Op> void fusible(fb::OpKind kind) {
    add<Op>([kind](Op) { return CpuOp{kind}; }, /*fusible=*/true);
  }

  /// A kind whose one field is the op's axis, made non-negative.
  template <typename Op> void alongAxis(fb::OpKind kind) {
    kernel<Op>([kind](Op op) {
      CpuOp k{kind};
      k.axis = op.getNormalizedAxis();
      return k;
    });
  }
  /// A norm over the last dimension: its one field is eps.
  template <typename Op> void normalization(fb::OpKind kind) {
    kernel<Op>([kind](Op op) {
      CpuOp k{kind};
      k.eps = op.getEps().convertToDouble();
      return k;
    });
  }
  template <typename AttentionLike>
  static CpuOp attention(fb::OpKind kind, AttentionLike a) {
    CpuOp k{kind};
    k.causal = a.getCausal();
    k.scale = a.getScaleOrDefault();
    return k;
  }

  llvm::DenseMap<TypeID, KernelRule> rules_;
};

class CpuTarget final : public Target {
public:
  llvm::StringRef name() const override { return "cpu"; }

  bool hasKernel(OperationName name) const override {
    return name.getTypeID() == TypeID::get<FusionOp>() || kernels_.lookup(name);
  }

  std::optional<std::string> whyNotFusible(OperationName name) const override {
    const KernelRule *rule = kernels_.lookup(name);
    if (!rule)
      return "the cpu target has no kernel for it";
    if (!rule->fusible)
      return "the cpu target runs it as a kernel of its own only";
    return std::nullopt;
  }

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
  /// The kernel fields of `op`, or an error at it naming the op.
  FailureOr<CpuOp> describe(Operation *op) const {
    if (const KernelRule *rule = kernels_.lookup(op->getName()))
      return rule->describe(op);
    return op->emitError() << "the cpu target has no kernel for '"
                           << op->getName() << "'"
                           << (isa<EinsumOp>(op)
                                   ? " (run -mlc-lower-einsum first)"
                                   : "");
  }

  /// The cpu device runs regions over f32 and i1 values whose ops are
  /// fusible (a built-in elementwise kind, or a broadcast) and, in row and
  /// column regions, reductions of f32 values.
  LogicalResult checkFusion(FusionOp fusion) const {
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
      if (FusionOp::reducedAxesOf(&op)) {
        if (!cast<RankedTensorType>(op.getOperand(0).getType())
                 .getElementType()
                 .isF32())
          return op.emitError()
                 << "the cpu target reduces f32 values only in fused regions";
        if (failed(describe(&op)))
          return failure();
        continue;
      }
      if (std::optional<std::string> why = whyNotFusible(op.getName()))
        return op.emitError() << "'" << op.getName()
                              << "' cannot be part of a fused region: " << *why;
    }
    return success();
  }

  /// A loop region as a FusedLoop, a row or column region as a
  /// FusedReduce, both with the steps of buildSteps.
  FailureOr<KernelBody> buildFusion(FusionOp fusion,
                                    flatbuffers::FlatBufferBuilder &fbb) const {
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
  LogicalResult buildSteps(FusionOp fusion, std::vector<fb::FusedStep> &steps,
                           std::vector<uint16_t> &results) const {
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

  KernelTable kernels_;
};

} // namespace

std::unique_ptr<Target> createCpuTarget() {
  return std::make_unique<CpuTarget>();
}

} // namespace mlc
